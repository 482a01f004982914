package main

import (
	"bytes"
	"context"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	want := `after SQL Fundamentals   (Example University):  25% complete=false next=[https://example.com/achievements/python https://example.com/achievements/viz https://example.edu/achievements/stats]
after Python for Data    (Example Corp):  75% complete=false next=[https://example.edu/achievements/stats]
after Applied Statistics (Example University): 100% complete=true next=[]
certificate Data Analyst Certificate verified=true evidence=3
CLR verified=true credentials=4 associations=6
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}
