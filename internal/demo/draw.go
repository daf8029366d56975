package demo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// A scene is the kind of picture drawn for a story: what stands under the
// sky. Scenes are drawn in coordinates relative to the picture's size, so
// one seed gives the same picture at every width a srcset names.
type scene string

const (
	sceneHarbour  scene = "harbour"  // sea, a wall, the town behind
	sceneStorm    scene = "storm"    // dark sky, rain, a river over its banks
	sceneRail     scene = "rail"     // a platform, tracks, a train
	sceneBus      scene = "bus"      // a street and a bus
	sceneDrone    scene = "drone"    // an island, the sea, a drone in the sky
	sceneMill     scene = "mill"     // a mill with its chimney
	sceneClinic   scene = "clinic"   // a clinic or hospital with its sign
	sceneScreen   scene = "screen"   // a phone's screen in a dark room
	sceneBank     scene = "bank"     // a columned bank and a chart
	sceneTown     scene = "town"     // a high street
	sceneQuarries scene = "quarries" // hills and slate
)

// storyScenes names the scene of each story of the world; other stories
// get the town.
var storyScenes = map[string]scene{
	"seawall-vote":        sceneHarbour,
	"gull-point-rescue":   sceneHarbour,
	"storm-hester":        sceneStorm,
	"rail-strike":         sceneRail,
	"bus-franchising":     sceneBus,
	"skerrin-drone-trial": sceneDrone,
	"mill-closure":        sceneMill,
	"measles-outbreak":    sceneClinic,
	"maternity-unit":      sceneClinic,
	"tallybridge-breach":  sceneScreen,
	"rate-decision":       sceneBank,
	"exporters-quarter":   sceneBank,
	"halden-slate-review": sceneQuarries,
}

// canvas is an RGBA picture with the few drawing operations scenes need,
// written straight into the pixel slice: image/draw's generic paths would
// take most of the second the whole demo may spend drawing.
type canvas struct {
	*image.RGBA
	w, h int
	rnd  *rand.Rand
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

func mix(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// blend paints c over the pixel at x, y with opacity a.
func (c *canvas) blend(x, y int, col color.RGBA, a float64) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h || a <= 0 {
		return
	}
	i := y*c.Stride + x*4
	p := c.Pix[i : i+3 : i+3]
	if a >= 1 {
		p[0], p[1], p[2] = col.R, col.G, col.B
		return
	}
	p[0] = uint8(float64(p[0])*(1-a) + float64(col.R)*a)
	p[1] = uint8(float64(p[1])*(1-a) + float64(col.G)*a)
	p[2] = uint8(float64(p[2])*(1-a) + float64(col.B)*a)
}

// X and Y turn relative coordinates into pixels.
func (c *canvas) X(f float64) int { return int(f * float64(c.w)) }
func (c *canvas) Y(f float64) int { return int(f * float64(c.h)) }

// vgradient fills rows y0 to y1 with a vertical gradient from top to bottom.
func (c *canvas) vgradient(y0, y1 int, top, bottom color.RGBA) {
	for y := max(y0, 0); y < min(y1, c.h); y++ {
		col := mix(top, bottom, float64(y-y0)/float64(max(y1-y0, 1)))
		row := c.Pix[y*c.Stride : y*c.Stride+c.w*4]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2], row[i+3] = col.R, col.G, col.B, 255
		}
	}
}

func (c *canvas) rect(x0, y0, x1, y1 int, col color.RGBA, a float64) {
	x0, x1 = max(x0, 0), min(x1, c.w)
	for y := max(y0, 0); y < min(y1, c.h); y++ {
		if a < 1 {
			for x := x0; x < x1; x++ {
				c.blend(x, y, col, a)
			}
			continue
		}
		for i := y*c.Stride + x0*4; i < y*c.Stride+x1*4; i += 4 {
			c.Pix[i], c.Pix[i+1], c.Pix[i+2] = col.R, col.G, col.B
		}
	}
}

// disc draws a filled circle with a soft edge of soft pixels.
func (c *canvas) disc(cx, cy, r float64, col color.RGBA, a, soft float64) {
	for y := max(int(cy-r-soft), 0); y < min(int(cy+r+soft)+1, c.h); y++ {
		for x := max(int(cx-r-soft), 0); x < min(int(cx+r+soft)+1, c.w); x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			if d <= r {
				c.blend(x, y, col, a)
			} else if soft > 0 && d < r+soft {
				c.blend(x, y, col, a*(1-(d-r)/soft))
			}
		}
	}
}

// ridge fills everything below a skyline of hills: base is its mean
// height (relative), amp its relief, the colour fading into fade
// towards the bottom.
func (c *canvas) ridge(base, amp float64, col, fade color.RGBA) {
	p1, p2, p3 := c.rnd.Float64()*6, c.rnd.Float64()*6, c.rnd.Float64()*6
	f1, f2 := 1.5+c.rnd.Float64()*2, 5+c.rnd.Float64()*4
	shades := make([]color.RGBA, c.h/3+1)
	for i := range shades {
		shades[i] = mix(col, fade, float64(i)/float64(len(shades)))
	}
	for x := 0; x < c.w; x++ {
		u := float64(x) / float64(c.w)
		hgt := base - amp*(0.6*math.Sin(u*f1*math.Pi+p1)+0.3*math.Sin(u*f2*math.Pi+p2)+0.1*math.Sin(u*23*math.Pi+p3))
		top := max(c.Y(hgt), 0)
		for y := top; y < c.h; y++ {
			c.blend(x, y, shades[min(y-top, len(shades)-1)], 1)
		}
	}
}

// line draws a straight line of the given width.
func (c *canvas) line(x0, y0, x1, y1, width float64, col color.RGBA, a float64) {
	n := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
		for dy := -width / 2; dy < width/2; dy++ {
			for dx := -width / 2; dx < width/2; dx++ {
				c.blend(int(x+dx), int(y+dy), col, a)
			}
		}
	}
}

// buildings draws a row of buildings standing on ground (relative), with
// lit and unlit windows.
func (c *canvas) buildings(x0, x1, ground, minH, maxH float64, palette []color.RGBA, lit float64) {
	x := x0
	for x < x1 {
		bw := 0.05 + c.rnd.Float64()*0.07
		bh := minH + c.rnd.Float64()*(maxH-minH)
		col := palette[c.rnd.IntN(len(palette))]
		px0, px1, py0, py1 := c.X(x), c.X(math.Min(x+bw, x1)), c.Y(ground-bh), c.Y(ground)
		c.rect(px0, py0, px1, py1, col, 1)
		// A roof line, darker.
		c.rect(px0, py0, px1, py0+max(c.h/150, 1), mix(col, rgb(0, 0, 0), 0.4), 1)
		ww, wh := max(c.w/110, 2), max(c.h/60, 2)
		for wy := py0 + wh; wy+wh < py1-wh; wy += wh * 2 {
			for wx := px0 + ww; wx+ww < px1-ww/2; wx += ww * 2 {
				win := mix(col, rgb(40, 48, 60), 0.6)
				if c.rnd.Float64() < lit {
					win = rgb(250, 222, 150)
				}
				c.rect(wx, wy, wx+ww, wy+wh, win, 0.9)
			}
		}
		x += bw + c.rnd.Float64()*0.01
	}
}

// grain adds a faint film grain and a vignette, which is what makes a
// drawing read as a photograph, and compress like one.
func (c *canvas) grain(amount int) {
	cx, cy := c.w/2, c.h/2
	maxd2 := cx*cx + cy*cy
	state := c.rnd.Uint64() | 1
	for y := 0; y < c.h; y++ {
		dy := y - cy
		row := c.Pix[y*c.Stride : y*c.Stride+c.w*4]
		for x := 0; x < c.w; x++ {
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			n := int(state%uint64(2*amount+1)) - amount
			dx := x - cx
			v := 1024 - 358*(dx*dx+dy*dy)/maxd2 // the vignette, in 1024ths
			p := row[x*4 : x*4+3 : x*4+3]
			p[0] = clamp(int(p[0])*v>>10 + n)
			p[1] = clamp(int(p[1])*v>>10 + n)
			p[2] = clamp(int(p[2])*v>>10 + n)
		}
	}
}

func clamp(v int) uint8 { return uint8(max(0, min(255, v))) }

// draw paints scene s at w×h from seed: the same arguments give the same
// pixels.
func draw(s scene, w, h int, seed uint64) *image.RGBA {
	c := &canvas{RGBA: image.NewRGBA(image.Rect(0, 0, w, h)), w: w, h: h, rnd: rand.New(rand.NewPCG(seed, 0x48455241))}
	for i := 3; i < len(c.Pix); i += 4 {
		c.Pix[i] = 255 // opaque; the operations below paint colour only
	}
	// The light: morning, noon, evening or overcast.
	skies := [][2]color.RGBA{
		{rgb(96, 150, 214), rgb(214, 230, 240)},  // clear
		{rgb(62, 84, 150), rgb(246, 184, 132)},   // evening
		{rgb(150, 170, 196), rgb(232, 222, 206)}, // morning haze
		{rgb(120, 128, 140), rgb(196, 200, 204)}, // overcast
	}
	sky := skies[c.rnd.IntN(len(skies))]
	if s == sceneStorm {
		sky = [2]color.RGBA{rgb(46, 52, 62), rgb(120, 126, 132)}
	}
	if s == sceneScreen {
		sky = [2]color.RGBA{rgb(14, 18, 30), rgb(36, 40, 58)}
	}
	horizon := 0.52 + c.rnd.Float64()*0.12
	c.vgradient(0, c.Y(horizon), sky[0], sky[1])
	if s != sceneStorm && s != sceneScreen {
		sun := mix(sky[1], rgb(255, 246, 220), 0.8)
		cx, cy := float64(c.X(0.15+c.rnd.Float64()*0.7)), float64(c.Y(0.1+c.rnd.Float64()*0.25))
		c.disc(cx, cy, float64(c.h)*0.16, sun, 0.25, float64(c.h)*0.12)
		c.disc(cx, cy, float64(c.h)*0.045, sun, 1, 2)
		// A few clouds.
		for i := 0; i < 3+c.rnd.IntN(4); i++ {
			x, y := c.rnd.Float64(), 0.08+c.rnd.Float64()*0.3
			for j := 0; j < 5; j++ {
				c.disc(float64(c.X(x+float64(j)*0.025)), float64(c.Y(y+math.Sin(float64(j))*0.015)), float64(c.h)*(0.03+c.rnd.Float64()*0.03), rgb(250, 250, 252), 0.55, float64(c.h)*0.02)
			}
		}
	}
	haze := sky[1]
	switch s {
	case sceneHarbour, sceneDrone:
		c.ridge(horizon-0.06, 0.05, mix(rgb(90, 110, 120), haze, 0.5), haze)
		sea := [2]color.RGBA{mix(rgb(40, 90, 120), sky[1], 0.3), rgb(20, 52, 80)}
		c.vgradient(c.Y(horizon), c.h, sea[0], sea[1])
		for y := c.Y(horizon); y < c.h; y += max(c.h/90, 2) {
			depth := float64(y-c.Y(horizon)) / float64(c.h)
			for x := 0; x < c.w; x += max(c.w/60, 4) {
				if c.rnd.Float64() < 0.35 {
					l := float64(c.w) * (0.01 + depth*0.05) * c.rnd.Float64()
					c.line(float64(x), float64(y), float64(x)+l, float64(y), 1+depth*4, rgb(220, 236, 244), 0.35)
				}
			}
		}
		if s == sceneHarbour {
			// The wall, the promenade and the town behind it, on the right.
			c.buildings(0.55, 1, horizon+0.08, 0.1, 0.3, []color.RGBA{rgb(236, 228, 210), rgb(206, 170, 140), rgb(180, 196, 210), rgb(230, 204, 160)}, 0.1)
			c.rect(c.X(0.45), c.Y(horizon+0.08), c.w, c.h, rgb(150, 146, 138), 1)
			c.rect(c.X(0.45), c.Y(horizon+0.08), c.w, c.Y(horizon+0.1), rgb(196, 190, 180), 1)
			for x := 0.46; x < 1; x += 0.03 {
				c.line(float64(c.X(x)), float64(c.Y(horizon+0.08)), float64(c.X(x+0.01)), float64(c.h), 2, rgb(120, 116, 110), 0.6)
			}
		} else {
			// An island with a landing pad, and the drone over the sea.
			for x := c.X(0.05); x < c.X(0.5); x++ {
				u := float64(x-c.X(0.05)) / float64(c.X(0.5)-c.X(0.05))
				top := c.Y(horizon - 0.09*math.Sin(u*math.Pi)*(0.8+0.2*math.Sin(u*17)))
				c.rect(x, top, x+1, c.Y(horizon+0.02), mix(rgb(70, 96, 60), rgb(110, 120, 90), u), 1)
			}
			dx, dy := float64(c.X(0.62+c.rnd.Float64()*0.2)), float64(c.Y(0.25+c.rnd.Float64()*0.1))
			arm := float64(c.w) * 0.04
			c.line(dx-arm, dy-arm/3, dx+arm, dy+arm/3, float64(c.h)/120+1, rgb(40, 40, 44), 1)
			c.line(dx-arm, dy+arm/3, dx+arm, dy-arm/3, float64(c.h)/120+1, rgb(40, 40, 44), 1)
			c.disc(dx, dy, arm*0.3, rgb(230, 90, 40), 1, 1)
			for _, p := range [][2]float64{{-1, -1}, {1, 1}, {-1, 1}, {1, -1}} {
				c.disc(dx+p[0]*arm, dy+p[1]*arm/3, arm*0.35, rgb(60, 60, 66), 0.5, 2)
			}
			c.rect(int(dx-arm*0.2), int(dy+arm*0.3), int(dx+arm*0.2), int(dy+arm*0.6), rgb(200, 150, 60), 1)
		}
	case sceneStorm:
		c.ridge(horizon-0.04, 0.04, rgb(70, 78, 80), haze)
		c.buildings(0, 1, horizon+0.06, 0.05, 0.18, []color.RGBA{rgb(120, 110, 100), rgb(150, 140, 128), rgb(98, 96, 92)}, 0.3)
		c.vgradient(c.Y(horizon+0.06), c.h, rgb(96, 90, 72), rgb(60, 56, 44)) // flood water
		for i := 0; i < 14; i++ {
			y := float64(c.Y(horizon+0.08)) + c.rnd.Float64()*float64(c.h)*(0.9-horizon)
			c.line(c.rnd.Float64()*float64(c.w), y, c.rnd.Float64()*float64(c.w), y, 2, rgb(140, 136, 120), 0.4)
		}
		for i := 0; i < 260; i++ {
			x, y := c.rnd.Float64()*float64(c.w), c.rnd.Float64()*float64(c.h)
			l := float64(c.h) * (0.03 + c.rnd.Float64()*0.05)
			c.line(x, y, x-l*0.3, y+l, 1, rgb(200, 206, 214), 0.3)
		}
	case sceneRail:
		c.ridge(horizon-0.05, 0.04, mix(rgb(100, 120, 100), haze, 0.5), haze)
		c.buildings(0, 1, horizon, 0.05, 0.16, []color.RGBA{rgb(170, 120, 100), rgb(190, 180, 170), rgb(150, 140, 130)}, 0.2)
		c.vgradient(c.Y(horizon), c.h, rgb(120, 112, 100), rgb(70, 64, 58))
		vx := float64(c.X(0.5 + (c.rnd.Float64()-0.5)*0.2))
		vy := float64(c.Y(horizon))
		for _, f := range []float64{-0.9, -0.55, 0.1, 0.45} {
			c.line(vx, vy, vx+f*float64(c.w), float64(c.h), float64(c.h)/200+1, rgb(180, 180, 186), 1)
		}
		for i := 1; i < 14; i++ {
			t := math.Pow(float64(i)/14, 2)
			y := vy + t*(float64(c.h)-vy)
			c.line(vx-0.95*t*float64(c.w), y, vx-0.5*t*float64(c.w), y, 1+t*6, rgb(90, 70, 50), 1)
		}
		// The platform and a train standing at it.
		c.rect(c.X(0.62), c.Y(horizon+0.03), c.w, c.h, rgb(170, 164, 150), 1)
		c.rect(c.X(0.62), c.Y(horizon+0.03), c.w, c.Y(horizon+0.045), rgb(230, 200, 40), 1)
		ty0, ty1 := c.Y(horizon-0.16), c.Y(horizon+0.03)
		c.rect(c.X(0.08), ty0, c.X(0.58), ty1, rgb(40, 90, 160), 1)
		c.rect(c.X(0.08), ty1-(ty1-ty0)/5, c.X(0.58), ty1, rgb(230, 200, 40), 1)
		for x := 0.1; x < 0.56; x += 0.05 {
			c.rect(c.X(x), ty0+(ty1-ty0)/5, c.X(x+0.035), ty0+(ty1-ty0)/2, rgb(30, 36, 44), 1)
		}
	case sceneBus:
		c.buildings(0, 1, horizon+0.05, 0.2, 0.4, []color.RGBA{rgb(190, 120, 90), rgb(214, 200, 180), rgb(160, 150, 140), rgb(120, 140, 150)}, 0.25)
		c.vgradient(c.Y(horizon+0.05), c.h, rgb(96, 96, 100), rgb(60, 60, 64))
		c.rect(0, c.Y(horizon+0.05), c.w, c.Y(horizon+0.08), rgb(170, 168, 160), 1) // pavement
		for x := 0.02; x < 1; x += 0.12 {
			c.rect(c.X(x), c.Y(0.86), c.X(x+0.06), c.Y(0.875), rgb(236, 236, 230), 1)
		}
		bx := 0.2 + c.rnd.Float64()*0.3
		by0, by1 := c.Y(horizon-0.12), c.Y(horizon+0.16)
		c.rect(c.X(bx), by0, c.X(bx+0.42), by1, rgb(200, 40, 44), 1)
		for x := bx + 0.02; x < bx+0.4; x += 0.065 {
			c.rect(c.X(x), by0+(by1-by0)/8, c.X(x+0.05), by0+(by1-by0)/2, rgb(36, 44, 54), 1)
		}
		c.rect(c.X(bx+0.01), by0+(by1-by0)/12, c.X(bx+0.12), by0+(by1-by0)/7, rgb(250, 200, 60), 1) // destination
		for _, wx := range []float64{bx + 0.08, bx + 0.33} {
			c.disc(float64(c.X(wx)), float64(by1), float64(c.h)*0.045, rgb(20, 20, 22), 1, 1)
			c.disc(float64(c.X(wx)), float64(by1), float64(c.h)*0.02, rgb(150, 150, 150), 1, 1)
		}
	case sceneMill:
		c.ridge(horizon-0.08, 0.06, mix(rgb(80, 100, 70), haze, 0.4), haze)
		c.vgradient(c.Y(horizon), c.h, rgb(110, 122, 84), rgb(64, 76, 50))
		mx0, mx1 := c.X(0.25), c.X(0.8)
		my0, my1 := c.Y(horizon-0.22), c.Y(horizon+0.1)
		brick := rgb(150, 76, 56)
		c.rect(mx0, my0, mx1, my1, brick, 1)
		for x := 0.25; x < 0.8; x += 0.055 { // the sawtooth roof
			c.line(float64(c.X(x)), float64(my0), float64(c.X(x+0.04)), float64(c.Y(horizon-0.3)), float64(c.h)/60, rgb(90, 90, 96), 1)
		}
		c.rect(c.X(0.82), c.Y(0.08), c.X(0.86), my1, mix(brick, rgb(0, 0, 0), 0.2), 1) // chimney
		for y := my0 + (my1-my0)/8; y < my1-(my1-my0)/4; y += (my1 - my0) / 4 {
			for x := mx0 + c.w/60; x < mx1-c.w/40; x += c.w / 24 {
				c.rect(x, y, x+c.w/50, y+(my1-my0)/7, rgb(50, 56, 64), 1)
			}
		}
		// The gates, closed.
		c.rect(c.X(0.44), c.Y(horizon), c.X(0.58), my1, rgb(30, 34, 32), 1)
		for x := 0.445; x < 0.58; x += 0.012 {
			c.rect(c.X(x), c.Y(horizon-0.01), c.X(x)+max(c.w/400, 1), my1, rgb(70, 76, 72), 1)
		}
	case sceneClinic:
		c.ridge(horizon-0.05, 0.04, mix(rgb(90, 120, 90), haze, 0.5), haze)
		c.vgradient(c.Y(horizon), c.h, rgb(150, 150, 146), rgb(100, 100, 96))
		hx0, hx1 := c.X(0.2), c.X(0.85)
		hy0, hy1 := c.Y(horizon-0.3), c.Y(horizon+0.05)
		c.rect(hx0, hy0, hx1, hy1, rgb(232, 232, 226), 1)
		for y := hy0 + (hy1-hy0)/10; y < hy1-(hy1-hy0)/5; y += (hy1 - hy0) / 6 {
			c.rect(hx0+c.w/80, y, hx1-c.w/80, y+(hy1-hy0)/12, rgb(120, 170, 200), 1)
		}
		c.rect(c.X(0.47), c.Y(horizon-0.08), c.X(0.58), hy1, rgb(60, 120, 160), 1) // the entrance
		sx, sy, sz := float64(c.X(0.52)), float64(c.Y(horizon-0.36)), float64(c.h)*0.05
		c.rect(int(sx-sz), int(sy-sz/3), int(sx+sz), int(sy+sz/3), rgb(20, 140, 90), 1)
		c.rect(int(sx-sz/3), int(sy-sz), int(sx+sz/3), int(sy+sz), rgb(20, 140, 90), 1)
		for i := 0; i < 6; i++ { // people queueing
			px := float64(c.X(0.3 + float64(i)*0.05))
			c.disc(px, float64(c.Y(horizon+0.1)), float64(c.h)*0.02, rgb(60, 50, 46), 1, 1)
			c.rect(int(px)-c.h/60, c.Y(horizon+0.12), int(px)+c.h/60, c.Y(horizon+0.24), []color.RGBA{rgb(180, 60, 60), rgb(50, 80, 140), rgb(90, 90, 90)}[i%3], 1)
		}
	case sceneScreen:
		c.vgradient(c.Y(horizon), c.h, rgb(30, 26, 24), rgb(14, 12, 12)) // a desk
		px0, px1 := c.X(0.36), c.X(0.64)
		py0, py1 := c.Y(0.1), c.Y(0.92)
		c.disc(float64(px0+px1)/2, float64(py0+py1)/2, float64(c.h)*0.4, rgb(80, 140, 255), 0.15, float64(c.h)*0.3)
		c.rect(px0, py0, px1, py1, rgb(20, 22, 26), 1)
		c.rect(px0+c.w/100, py0+c.h/40, px1-c.w/100, py1-c.h/40, rgb(232, 240, 250), 1)
		c.rect(px0+c.w/100, py0+c.h/40, px1-c.w/100, py0+c.h/8, rgb(30, 110, 90), 1) // the bank's header
		for y := py0 + c.h/6; y < py1-c.h/8; y += c.h / 16 {
			c.rect(px0+c.w/50, y, px1-c.w/50-c.rnd.IntN(c.w/20+1), y+c.h/40, rgb(170, 180, 196), 1)
		}
		lx, ly := float64(c.X(0.5)), float64(c.Y(0.6)) // a padlock, open
		c.rect(int(lx-float64(c.h)*0.06), int(ly), int(lx+float64(c.h)*0.06), int(ly+float64(c.h)*0.09), rgb(210, 60, 50), 1)
		c.disc(lx, ly, float64(c.h)*0.045, rgb(210, 60, 50), 1, 1)
		c.disc(lx, ly, float64(c.h)*0.025, rgb(232, 240, 250), 1, 1)
	case sceneBank:
		c.vgradient(c.Y(horizon), c.h, rgb(180, 176, 168), rgb(130, 126, 120))
		bx0, bx1 := c.X(0.15), c.X(0.85)
		top := c.Y(horizon - 0.32)
		stone := rgb(222, 214, 196)
		for y := top; y < c.Y(horizon-0.24); y++ { // the pediment
			half := float64(y-top) / float64(c.Y(horizon-0.24)-top) * float64(bx1-bx0) / 2
			mid := float64(bx0+bx1) / 2
			c.rect(int(mid-half), y, int(mid+half), y+1, stone, 1)
		}
		c.rect(bx0, c.Y(horizon-0.24), bx1, c.Y(horizon-0.2), stone, 1)
		for x := 0.18; x < 0.83; x += 0.07 {
			c.rect(c.X(x), c.Y(horizon-0.2), c.X(x+0.035), c.Y(horizon), mix(stone, rgb(255, 255, 255), 0.2), 1)
			c.rect(c.X(x+0.03), c.Y(horizon-0.2), c.X(x+0.035), c.Y(horizon), mix(stone, rgb(0, 0, 0), 0.25), 1)
		}
		c.rect(bx0-c.w/40, c.Y(horizon), bx1+c.w/40, c.Y(horizon+0.04), stone, 1)
		// A chart of rates, falling.
		prev := [2]float64{float64(c.X(0.05)), float64(c.Y(0.15))}
		for i := 1; i <= 10; i++ {
			next := [2]float64{float64(c.X(0.05 + float64(i)*0.09)), prev[1] + (c.rnd.Float64()-0.2)*float64(c.h)*0.03}
			c.line(prev[0], prev[1], next[0], next[1], float64(c.h)/150+1, rgb(200, 50, 60), 0.8)
			prev = next
		}
	case sceneQuarries:
		c.ridge(horizon-0.2, 0.1, mix(rgb(80, 90, 100), haze, 0.3), haze)
		c.ridge(horizon-0.05, 0.08, rgb(70, 76, 84), rgb(40, 44, 50))
		for i := 0; i < 8; i++ { // terraces of slate
			y := horizon - 0.2 + float64(i)*0.035
			c.rect(c.X(0.3+float64(i)*0.02), c.Y(y), c.X(0.7-float64(i)*0.01), c.Y(y+0.02), rgb(96, 104, 116), 0.8)
		}
		c.vgradient(c.Y(horizon+0.15), c.h, rgb(90, 110, 70), rgb(50, 64, 40))
	default: // the town
		c.ridge(horizon-0.05, 0.04, mix(rgb(90, 120, 90), haze, 0.5), haze)
		c.buildings(0, 1, horizon+0.06, 0.15, 0.35, []color.RGBA{rgb(214, 190, 160), rgb(180, 100, 80), rgb(200, 200, 190), rgb(140, 160, 170)}, 0.3)
		c.vgradient(c.Y(horizon+0.06), c.h, rgb(170, 160, 146), rgb(110, 104, 96))
		for i := 0; i < 9; i++ {
			px := float64(c.X(c.rnd.Float64()))
			py := float64(c.Y(horizon + 0.1 + c.rnd.Float64()*0.2))
			s := float64(c.h) * (0.6 + (py/float64(c.h)-horizon)*2) * 0.02
			c.disc(px, py, s, rgb(60, 50, 46), 1, 1)
			c.rect(int(px-s), int(py+s), int(px+s), int(py+s*5), []color.RGBA{rgb(180, 60, 60), rgb(50, 80, 140), rgb(90, 120, 90)}[i%3], 1)
		}
	}
	c.grain(7)
	return c.RGBA
}

// jpegBytes encodes m at a quality an outlet's CMS would choose.
func jpegBytes(m image.Image) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 86}); err != nil {
		panic(err) // writing to a bytes.Buffer does not fail
	}
	return buf.Bytes()
}

// bombPNG returns the first bytes of a PNG whose header claims w×h
// pixels of 8-bit RGB: a decompression bomb as a client sees it before
// decoding. The chunks are well formed (with their CRCs) so that a
// decoder's header check passes; the picture data is a single empty
// deflate block, since nothing should ever get that far.
func bombPNG(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		buf.WriteString(typ)
		buf.Write(data)
		binary.Write(&buf, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // bit depth, colour type RGB; compression, filter, interlace 0
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}) // zlib: one empty block
	chunk("IEND", nil)
	return buf.Bytes()
}
