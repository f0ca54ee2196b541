module heapdiff.test/sampled

go 1.19
