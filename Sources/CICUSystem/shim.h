#ifndef LSTRACE_CICUSYSTEM_SHIM_H
#define LSTRACE_CICUSYSTEM_SHIM_H
// Link-only module for the system ICU (libicu-dev). Its headers are deliberately not exposed here:
// only Sources/CICU/cicu.c includes <unicode/*.h>.
#include <stdint.h>
#endif
