package herald_test

import (
	"testing"

	"github.com/herald-news/herald"
)

func TestParseImagePolicy(t *testing.T) {
	tests := []struct {
		in   string
		want herald.ImagePolicy
		err  string
	}{
		{"all", herald.ImagesAll, ""},
		{" Lead ", herald.ImagesLead, ""},
		{"NONE", herald.ImagesNone, ""},
		{"", "", ""},
		{"licence", "", ""},
		{"some", "", `images "some" is not one of all, lead or none`},
	}
	for _, tt := range tests {
		got, err := herald.ParseImagePolicy(tt.in)
		if got != tt.want || herald.ErrorMessage(err) != tt.err && tt.err != "" || (err == nil) != (tt.err == "") {
			t.Errorf("ParseImagePolicy(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
		if tt.err != "" && herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("ParseImagePolicy(%q): code %q, want EINVALID", tt.in, herald.ErrorCode(err))
		}
	}
}

// TestEffectiveImages checks that a setting never shows more than the
// licence allows, and that none follows the licence.
func TestEffectiveImages(t *testing.T) {
	tests := []struct {
		licence herald.Licence
		images  herald.ImagePolicy
		want    herald.ImagePolicy
	}{
		{herald.LicenceFull, "", herald.ImagesAll},
		{herald.LicenceExcerpt, "", herald.ImagesLead},
		{herald.LicenceHeadline, "", herald.ImagesNone},
		{"", "", herald.ImagesNone},
		{herald.LicenceFull, herald.ImagesLead, herald.ImagesLead},
		{herald.LicenceFull, herald.ImagesNone, herald.ImagesNone},
		{herald.LicenceExcerpt, herald.ImagesAll, herald.ImagesLead},
		{herald.LicenceExcerpt, herald.ImagesNone, herald.ImagesNone},
		{herald.LicenceHeadline, herald.ImagesAll, herald.ImagesNone},
		{herald.LicenceHeadline, herald.ImagesLead, herald.ImagesNone},
	}
	for _, tt := range tests {
		s := &herald.Source{Licence: tt.licence, Images: tt.images}
		if got := s.EffectiveImages(); got != tt.want {
			t.Errorf("licence %q, images %q: %q, want %q", tt.licence, tt.images, got, tt.want)
		}
	}
}

func TestSourceUpdateValidate(t *testing.T) {
	all, bad, empty := herald.ImagesAll, herald.ImagePolicy("some"), herald.ImagePolicy("")
	upper := herald.ImagePolicy("ALL")
	full, stolen := herald.LicenceFull, herald.Licence("stolen")
	for name, tt := range map[string]struct {
		upd herald.SourceUpdate
		ok  bool
	}{
		"Nothing":      {herald.SourceUpdate{}, true},
		"Images":       {herald.SourceUpdate{Images: &all, Licence: &full}, true},
		"FromLicence":  {herald.SourceUpdate{Images: &empty}, true},
		"BadImages":    {herald.SourceUpdate{Images: &bad}, false},
		"NotCanonical": {herald.SourceUpdate{Images: &upper}, false},
		"BadLicence":   {herald.SourceUpdate{Licence: &stolen}, false},
	} {
		err := tt.upd.Validate()
		if (err == nil) != tt.ok || err != nil && herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: %v, want ok %v", name, err, tt.ok)
		}
	}
}
