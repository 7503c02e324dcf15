module example.com/withdep

go 1.21

require example.org/lib v1.0.0

replace example.org/lib => ./lib
