package sqlite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// ClaimRelatedWork implements herald.RelatedService.
func (db *DB) ClaimRelatedWork(ctx context.Context, limit int, lease time.Duration) ([]*herald.Article, error) {
	ids, err := db.claimRelated(ctx, limit, lease)
	if err != nil {
		return nil, fmt.Errorf("claim related work: %w", err)
	}
	slices.SortFunc(ids, func(x, y int64) int { return cmp.Compare(y, x) }) // newest first
	list, err := articlesByID(ctx, db.reader, ids)
	if err != nil {
		return nil, fmt.Errorf("claim related work: %w", err)
	}
	return list, nil
}

func (db *DB) claimRelated(ctx context.Context, limit int, lease time.Duration) ([]int64, error) {
	now := db.Now().UTC()
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
		UPDATE related_queue SET claimed_until = ?
		WHERE article_id IN (SELECT article_id FROM related_queue
			WHERE claimed_until <= ? ORDER BY article_id DESC LIMIT ?)
		RETURNING article_id`, nanos(now.Add(lease)), nanos(now), max(limit, 1))
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	return ids, tx.Commit()
}

// ReleaseRelatedWork implements herald.RelatedService.
func (db *DB) ReleaseRelatedWork(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := db.writer.ExecContext(ctx, `UPDATE related_queue SET claimed_until = 0 WHERE article_id IN (`+
		strings.Repeat(",?", len(ids))[1:]+`)`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("release related work: %w", err)
	}
	return nil
}

// FinishRelatedWork implements herald.RelatedService.
func (db *DB) FinishRelatedWork(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := db.writer.ExecContext(ctx, `DELETE FROM related_queue WHERE article_id IN (`+
		strings.Repeat(",?", len(ids))[1:]+`)`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("finish related work: %w", err)
	}
	return nil
}
