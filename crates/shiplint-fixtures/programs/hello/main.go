package main

import (
	"fmt"
	"os"
)

// version is set with -ldflags="-X main.version=..." by the x-flag fixtures.
var version = "dev"

func main() {
	fmt.Fprintln(os.Stdout, "hello", version)
}
