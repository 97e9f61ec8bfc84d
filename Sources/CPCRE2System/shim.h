#ifndef LSTRACE_CPCRE2SYSTEM_SHIM_H
#define LSTRACE_CPCRE2SYSTEM_SHIM_H
// Link-only module for the system PCRE2 (libpcre2-dev, its 16-bit library). Its header is deliberately not exposed
// here: only Sources/CICU/regex_jit.c includes <pcre2.h>, so Swift sees one regular-expression bridge.
#include <stdint.h>
#endif
