// PPL_ALWAYS_INLINE: for the few small functions of the claim loader's inner loop that GCC
// would otherwise leave out of line there (each call cost measurably; docs/performance.md).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define PPL_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define PPL_ALWAYS_INLINE inline
#endif
