package io.lvs4j.sched;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Vectors from an independent Python SipHash-1-3 (4-byte little-endian message, 128-bit key as two
 * little-endian u64, low 32 bits of the result), itself checked against CPython's built-in
 * siphash13 (the bytes hash under a known PYTHONHASHSEED, whose key is the seed's LCG bytes).
 */
class HalfSipHashTest {
    @Test
    void hash_mhKey1_matchesReferenceVectors() {
        long k = Maglev.KEY1;
        assertThat(HalfSipHash.hash(0x00000000, k, k)).isEqualTo(0x1d5a77c2);
        assertThat(HalfSipHash.hash(0x00000001, k, k)).isEqualTo(0x16ec66b2);
        assertThat(HalfSipHash.hash(0xc0000201, k, k)).isEqualTo(0x92889c88);
        assertThat(HalfSipHash.hash(0x0a000051, k, k)).isEqualTo(0x439c0cbe);
        assertThat(HalfSipHash.hash(0xffffffff, k, k)).isEqualTo(0x22c5d719);
        assertThat(HalfSipHash.hash(0x00bc614e, k, k)).isEqualTo(0x277d37a1);
    }

    @Test
    void hash_mhKey2_matchesReferenceVectors() {
        long k = Maglev.KEY2;
        assertThat(HalfSipHash.hash(0x00000000, k, k)).isEqualTo(0xf882433f);
        assertThat(HalfSipHash.hash(0x00000001, k, k)).isEqualTo(0x8210aad1);
        assertThat(HalfSipHash.hash(0xc0000201, k, k)).isEqualTo(0xc6fe83e5);
        assertThat(HalfSipHash.hash(0x0a000051, k, k)).isEqualTo(0x97b3dc47);
        assertThat(HalfSipHash.hash(0xffffffff, k, k)).isEqualTo(0xf75a0f5d);
        assertThat(HalfSipHash.hash(0x00bc614e, k, k)).isEqualTo(0x682f0178);
    }
}
