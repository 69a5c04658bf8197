# syntax=docker/dockerfile:1
#
# aws-baseline-operator image: the release binary on distroless, non-root (uid 65532), no shell, no package manager.
#
#   docker build -t registry.example.com/platform/aws-baseline-operator:0.1.0 .
#
# Runtime base: gcr.io/distroless/cc-debian12:nonroot rather than `scratch` with a static musl build, because
# - the one TLS stack (rustls on aws-lc-rs, shared by the AWS SDK and kube) compiles C and assembly; a glibc build
#   on the official rust image needs no cross toolchain, while musl needs musl-tools and care with aws-lc-sys;
# - musl's allocator is markedly slower under tokio's multi-threaded runtime, and swapping it would mean a code
#   change (a global allocator) for the image's sake;
# - distroless cc is glibc + libgcc + CA certificates + tzdata and an unprivileged `nonroot` user (65532), and
#   nothing else: no shell, so `kubectl exec` has nothing to run. It adds ~20 MB over scratch.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# Strip symbols without touching Cargo.toml's release profile.
ENV CARGO_PROFILE_RELEASE_STRIP=symbols
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin aws-baseline-operator \
    && install -D -m 0755 target/release/aws-baseline-operator /out/aws-baseline-operator

FROM gcr.io/distroless/cc-debian12:nonroot
LABEL org.opencontainers.image.title="aws-baseline-operator" \
      org.opencontainers.image.description="Keeps AWS accounts in their declared operational baseline" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/aws-baseline-operator /usr/local/bin/aws-baseline-operator
USER 65532:65532
# /metrics, /healthz, /readyz (--metrics-addr / METRICS_ADDR, default 0.0.0.0:8080).
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/aws-baseline-operator"]
CMD ["run"]
