// Temporary main on the http branch, for the benchmark only; replaced on merge.
import HTTPCore

let args = CommandLine.arguments
if args.count >= 2, args[1] == "bench-http-server" {
    let port = args.firstIndex(of: "--port").flatMap { Int(args[$0 + 1]) } ?? 8081
    try runBenchServer(port: port)
} else {
    print("candor")
}
