package main

import (
	"context"
	"fmt"
	"io"
)

func runScale(ctx context.Context, out io.Writer, tmp string, n int, dsn string, samples int) error {
	return fmt.Errorf("scale mode: not yet")
}
