//! Names of AWS resources derived from Kubernetes names: stable, collision-free and within AWS's limits.

/// 64-bit FNV-1a: a stable hash (the same in every build and process) for name suffixes.
pub fn stable_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `name` when it fits in `max` bytes, else its first bytes plus `-` and 10 hex digits of its hash: two long names
/// that share a prefix stay distinct, and the result is the same on every pass. Names are ASCII here (AWS name
/// patterns), so cutting at a byte is cutting at a character.
pub fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let suffix = format!("-{:010x}", stable_hash(name) >> 24);
    let mut keep = max.saturating_sub(suffix.len());
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{suffix}", &name[..keep])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_get_a_stable_distinct_suffix() {
        assert_eq!(fit("short", 128), "short");
        let a = format!("{}a", "x".repeat(200));
        let b = format!("{}b", "x".repeat(200));
        assert_eq!(fit(&a, 128).len(), 128);
        assert_ne!(fit(&a, 128), fit(&b, 128));
        assert_eq!(fit(&a, 128), fit(&a, 128));
    }
}
