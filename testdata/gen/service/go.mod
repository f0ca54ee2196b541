module heapdiff.test/service

go 1.19
