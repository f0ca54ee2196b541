module heapdiff.test/gen

go 1.19
