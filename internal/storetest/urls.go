package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/herald-news/herald"
)

// testStoredURLs checks that StoredURLs names the stored addresses among
// those asked, copies included, each once, and nothing else.
func testStoredURLs(t *testing.T, s herald.Store) {
	ctx := context.Background()
	shown := newCopy(1, "Outlet", herald.LicenceFull, 0, fingerprint(hashA, band1))
	mustAdd(t, s, shown)
	cp := newCopy(2, "Other", herald.LicenceExcerpt, shown.ID, fingerprint(hashA, band1))
	mustAdd(t, s, cp)

	tests := []struct {
		name string
		ask  []string
		want []string
	}{
		{"None", nil, nil},
		{"Unknown", []string{"https://news.example/nowhere"}, nil},
		{"ShownAndCopy", []string{shown.OriginalURL, "https://news.example/nowhere", cp.OriginalURL}, []string{shown.OriginalURL, cp.OriginalURL}},
		{"AskedTwice", []string{shown.OriginalURL, shown.OriginalURL}, []string{shown.OriginalURL}},
		{"OtherSpelling", []string{shown.OriginalURL + "/"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.StoredURLs(ctx, tt.ask)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("StoredURLs(%q) = %q, want %q", tt.ask, got, want)
			}
		})
	}
}
