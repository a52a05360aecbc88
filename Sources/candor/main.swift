import Commands
import Glibc

// Nothing this process creates is for anyone but its own user: folders 0700, files 0600. The
// library sets the modes explicitly as well (PrivateFiles), for callers without this main.
umask(0o077)

// The server re-executes itself once with glibc's allocator tuned for it: scrypt's 16 MiB buffers
// come from fresh mappings (returned to the system when freed, so RSS follows the load back down)
// backed by transparent huge pages (eight faults per buffer instead of four thousand), and few
// arenas for many connection threads. Tunables are read only at process start, hence the exec.
let arguments = CommandLine.arguments
if let command = arguments.dropFirst().first, command == "serve" || command == "demo",
   getenv("CANDOR_TUNED") == nil {
    setenv("CANDOR_TUNED", "1", 1)
    let tunables = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=1048576:glibc.malloc.arena_max=2"
    let existing = getenv("GLIBC_TUNABLES").map { String(cString: $0) + ":" } ?? ""
    setenv("GLIBC_TUNABLES", existing + tunables, 1)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", &argv)
    // exec failed (no /proc): run untuned rather than not at all.
}
exit(CandorCLI.main(Array(arguments.dropFirst())))
