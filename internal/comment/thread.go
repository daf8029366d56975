package comment

import "github.com/herald-news/herald"

// MaxDepth is how deep replies nest; a reply to a comment at the deepest
// level is shown at that level, after its parent.
const MaxDepth = 5

// Entry is a comment in reading order, with how deeply it is indented:
// 0 for a comment on the article, up to MaxDepth for replies.
type Entry struct {
	*herald.Comment
	Depth int
}

// Thread puts comments, given oldest first, in reading order: each
// comment followed by its replies, oldest first, depth first. A reply
// whose parent is not among them (not approved, say) is shown as a
// comment on the article.
func Thread(list []*herald.Comment) []Entry {
	present := make(map[int64]bool, len(list))
	for _, c := range list {
		present[c.ID] = true
	}
	children := map[int64][]*herald.Comment{}
	var roots []*herald.Comment
	for _, c := range list {
		if c.ParentID != 0 && present[c.ParentID] && c.ParentID != c.ID {
			children[c.ParentID] = append(children[c.ParentID], c)
		} else {
			roots = append(roots, c)
		}
	}
	out := make([]Entry, 0, len(list))
	var walk func(c *herald.Comment, depth int)
	walk = func(c *herald.Comment, depth int) {
		out = append(out, Entry{Comment: c, Depth: min(depth, MaxDepth)})
		for _, r := range children[c.ID] {
			walk(r, depth+1)
		}
	}
	for _, c := range roots {
		walk(c, 0)
	}
	return out
}
