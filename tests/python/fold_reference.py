"""The K-fold assignment of doc/api.md ("Folds", "Random numbers"), written here from the
published algorithms and independent of the bindings: splitmix64 (Vigna's splitmix64.c)
fills the state of xoshiro256** 1.0 (Blackman and Vigna); a bounded draw is Lemire's
multiply-and-reject; the permutation is Fisher-Yates from i = n down to 2; sample i goes to
fold perm[i] mod K. test_folds.py checks the generator against the published outputs."""

import numpy as np

M64 = (1 << 64) - 1


def splitmix64_outputs(seed, count):
    state, out = seed, []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        out.append(z ^ (z >> 31))
    return out


class Xoshiro256StarStar:
    def __init__(self, state):
        self.s = list(state)

    @classmethod
    def seeded(cls, seed):
        return cls(splitmix64_outputs(seed, 4))

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M64
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, bound):
        m = self.next() * bound
        if (m & M64) < bound:
            threshold = (-bound) % bound   # 2^64 mod bound
            while (m & M64) < threshold:
                m = self.next() * bound
        return m >> 64


def kfold(n, k, seed=0, shuffle=True):
    """Each of n samples' fold (0..k-1) for k folds shuffled with `seed` (or not)."""
    perm = list(range(n))
    if shuffle:
        rng = Xoshiro256StarStar.seeded(seed)
        for i in range(n, 1, -1):
            j = rng.below(i)
            perm[i - 1], perm[j] = perm[j], perm[i - 1]
    return np.array(perm) % k
