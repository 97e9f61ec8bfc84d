/// The process's heap.
enum Memory {
    /// Returns the heap's free pages to the system (glibc keeps what a step freed for later allocations, and the
    /// resident size with it). Called between the steps of a run whose temporaries are gone, so that the next step's
    /// peak does not stack on them. Does nothing where the C library has no such call.
    static func giveBackFreedPages() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
// glibc's `malloc_trim` (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
