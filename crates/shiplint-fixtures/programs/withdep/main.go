package main

import (
	"fmt"

	"example.org/lib"
)

func main() {
	fmt.Println(lib.Greeting())
}
