module heapdiff.test/large

go 1.19
