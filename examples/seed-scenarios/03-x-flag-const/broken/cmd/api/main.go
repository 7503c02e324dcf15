package main

import (
	"fmt"

	"github.com/me/proj/version"
)

func main() { fmt.Println(version.Version) }
