// oracle prints the source file table of a Go executable's pclntab as Go's own debug/gosym
// reads it, sorted, one per line: the reference the reader's file table is tested against.
// Exit status 3: the table cannot be located by the standard library (e.g. stripped PE).
package main

import (
	"debug/elf"
	"debug/gosym"
	"debug/macho"
	"debug/pe"
	"fmt"
	"os"
	"sort"
)

func pclntab(name string) (data []byte, text uint64, ok bool) {
	if f, err := elf.Open(name); err == nil {
		s := f.Section(".gopclntab")
		if s == nil {
			s = f.Section(".data.rel.ro.gopclntab")
		}
		if s == nil || f.Section(".text") == nil {
			return nil, 0, false
		}
		data, _ = s.Data()
		return data, f.Section(".text").Addr, true
	}
	if f, err := macho.Open(name); err == nil {
		s := f.Section("__gopclntab")
		if s == nil || f.Section("__text") == nil {
			return nil, 0, false
		}
		data, _ = s.Data()
		return data, f.Section("__text").Addr, true
	}
	if f, err := pe.Open(name); err == nil {
		var start, end *pe.Symbol
		for _, s := range f.Symbols {
			switch s.Name {
			case "runtime.pclntab":
				start = s
			case "runtime.epclntab":
				end = s
			}
		}
		if start == nil || end == nil || start.SectionNumber <= 0 {
			return nil, 0, false
		}
		sect := f.Sections[start.SectionNumber-1]
		all, err := sect.Data()
		if err != nil || int(end.Value) > len(all) {
			return nil, 0, false
		}
		text := f.Section(".text")
		base := uint64(0)
		switch oh := f.OptionalHeader.(type) {
		case *pe.OptionalHeader64:
			base = oh.ImageBase
		case *pe.OptionalHeader32:
			base = uint64(oh.ImageBase)
		}
		return all[start.Value:end.Value], base + uint64(text.VirtualAddress), true
	}
	return nil, 0, false
}

func main() {
	data, text, ok := pclntab(os.Args[1])
	if !ok {
		os.Exit(3)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	names := make([]string, 0, len(tab.Files))
	for n := range tab.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Println(n)
	}
}
