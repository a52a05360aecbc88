import Gateway
import Glibc

exit(CandorCLI.main(Array(CommandLine.arguments.dropFirst())))
