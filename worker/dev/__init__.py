"""For trying arbox out and for the tests: the demo and the embedded servers it runs on."""
