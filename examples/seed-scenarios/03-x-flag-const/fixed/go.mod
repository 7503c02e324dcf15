module github.com/me/proj

go 1.23
