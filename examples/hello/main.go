// A tiny program built by scripts/example.sh; shiplint reads what the build left in it.
package main

import "fmt"

var version = "dev"

func main() {
	fmt.Println("hello", version)
}
