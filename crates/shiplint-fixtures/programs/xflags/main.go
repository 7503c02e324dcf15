// Every way a -X assignment is silently lost, next to two that work (see the x-flag fixture's
// -ldflags in crates/shiplint-fixtures/src/lib.rs).
package main

import (
	"fmt"

	"example.com/xflags/internal/version"
)

// Version is a constant: -X main.Version=... does nothing.
const Version = "dev"

// Commit is set by -X, then overwritten when package initialisation calls defaultCommit.
var Commit = defaultCommit()

// Date is a plain string variable: -X main.Date=... works.
var Date string

//go:noinline
func defaultCommit() string { return "none" }

func main() {
	fmt.Println(Version, Commit, Date, version.Tag)
}
