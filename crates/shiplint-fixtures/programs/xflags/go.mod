module example.com/xflags

go 1.21
