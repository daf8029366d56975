// Package pgtest gives tests outside internal/postgres a PostgreSQL
// schema of their own on the server HERALD_TEST_POSTGRES names.
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Schema makes a schema named prefix plus a random suffix on
// HERALD_TEST_POSTGRES, drops it when the test ends, and returns a DSN
// whose search_path is that schema. It skips the test, saying why, when
// the variable is unset.
func Schema(tb testing.TB, prefix string) string {
	tb.Helper()
	admin := os.Getenv("HERALD_TEST_POSTGRES")
	if admin == "" {
		tb.Skip("HERALD_TEST_POSTGRES is not set; set it to a PostgreSQL DSN to run this test on PostgreSQL")
	}
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("HERALD_TEST_POSTGRES is not a URL: %v", err)
	}
	schema := prefix + "_" + strings.ToLower(rand.Text()[:12])
	if err := exec(admin, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := exec(admin, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func exec(dsn, sql string) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
