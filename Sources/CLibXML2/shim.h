#ifndef LSTRACE_CLIBXML2_SHIM_H
#define LSTRACE_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU; its encoding.h then includes <unicode/ucnv.h>, which clashes with the ICU that
// Foundation bundles. LiaisonTrace never asks libxml2 for ICU converters, so the flag is switched off here.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer in libxml2, which Swift 6 treats as shared mutable state.
static inline void lstrace_xmlFree(void *pointer) { xmlFree(pointer); }

#endif
