// PPL_ALWAYS_INLINE: for the few small functions of the claim loader's inner loop that GCC
// would otherwise leave out of line there (each call cost measurably; docs/performance.md).
// PPL_NOINLINE: for its rarely taken steps, which inlined there cost the common path registers.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define PPL_ALWAYS_INLINE __attribute__((always_inline)) inline
#define PPL_NOINLINE __attribute__((noinline))
#else
#define PPL_ALWAYS_INLINE inline
#define PPL_NOINLINE
#endif
