package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
)

// StoredURLs implements herald.ArticleService. The addresses travel as
// one JSON array, so a batch of any size is one statement.
func (db *DB) StoredURLs(ctx context.Context, urls []string) ([]string, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(urls)
	if err != nil {
		return nil, fmt.Errorf("stored urls: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT DISTINCT a.original_url
		FROM json_each(?) AS u JOIN articles a ON a.original_url = u.value`, string(list))
	if err != nil {
		return nil, fmt.Errorf("stored urls: %w", err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("stored urls: %w", err)
		}
		found = append(found, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stored urls: %w", err)
	}
	return found, nil
}
