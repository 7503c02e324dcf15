package main

import (
	"fmt"
	"net"
)

// Linking net with cgo enabled makes the binary use the C resolver: a dynamic executable.
func main() {
	addrs, err := net.LookupHost("localhost")
	fmt.Println(addrs, err)
}
