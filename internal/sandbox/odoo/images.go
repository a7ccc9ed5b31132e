package odoo

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	_ "image/gif" // the formats DecodeConfig checks, as Pillow would open them
	_ "image/jpeg"
	"image/png"
)

// Product images (product/models/product_template.py and product_product.py,
// 13+, unchanged through 19): the template has image.mixin's stored
// image_1920 and its derived image_1024 … image_128; a variant stores
// image_variant_1920 and answers image_1920 (and the sizes) as its own image
// or else the template's. Values are base64 strings, false when empty.

// imageSizes are the image.mixin fields derived from image_1920. Odoo
// resizes them down to their size; an image already within it keeps its
// bytes, so the sandbox answers image_1920's bytes for all [U for larger
// images, which Odoo would shrink].
var imageSizes = []string{"image_1024", "image_512", "image_256", "image_128"}

// imageFields adds the image fields to a version's template and variant.
func imageFields(template, product map[string]*field) {
	template["image_1920"] = &field{typ: fBinary}
	product["image_variant_1920"] = &field{typ: fBinary}
	product["image_1920"] = &field{typ: fBinary, compute: variantImage, set: setVariantImage}
	for _, n := range imageSizes {
		template[n] = &field{typ: fBinary, compute: func(s *Server, r record) any { return r["image_1920"] }}
		product[n] = &field{typ: fBinary, compute: variantImage}
	}
}

// variantImage is _compute_image_1920: the variant's image or the template's.
func variantImage(s *Server, r record) any {
	if v, _ := r["image_variant_1920"].(string); v != "" {
		return v
	}
	t, _ := s.tables["product.template"].get(asID(r["product_tmpl_id"]))
	return t["image_1920"]
}

// setVariantImage is _set_image_1920: the template takes the image when the
// variant is its only active one, when the template has none yet, or when an
// image already absent is cleared; otherwise the variant keeps its own.
func setVariantImage(s *Server, id int64, v any) error {
	r, ok := s.tables["product.product"].get(id)
	if !ok {
		return missingError("Record does not exist or has been deleted.\n(Record: product.product(%d,), User: 2)", id)
	}
	tid := asID(r["product_tmpl_id"])
	t, _ := s.tables["product.template"].get(tid)
	img, _ := v.(string)
	own, _ := r["image_variant_1920"].(string)
	tmpl, _ := t["image_1920"].(string)
	if img == "" && own == "" || img != "" && tmpl == "" || len(s.activeVariants(tid)) <= 1 {
		if err := s.write("product.product", []int64{id}, map[string]any{"image_variant_1920": false}); err != nil {
			return err
		}
		return s.write("product.template", []int64{tid}, map[string]any{"image_1920": v})
	}
	return s.write("product.product", []int64{id}, map[string]any{"image_variant_1920": v})
}

// checkImage reads a written image as fields.Image does: base64 that
// decodes to an image Pillow opens.
func (s *Server) checkImage(str string) error {
	b, err := base64.StdEncoding.DecodeString(str)
	if err != nil {
		return &odooError{name: "binascii.Error", msg: "Incorrect padding"}
	}
	if _, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
		return nil
	}
	// Pillow opens WebP too; the standard library cannot, so its header is
	// taken on trust.
	if len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" {
		return nil
	}
	if s.opts.Version <= 14 {
		return userError("This file could not be decoded as an image file. Please try with a different file.")
	}
	return userError("This file could not be decoded as an image file.")
}

// demoImage is a generated product's picture: a 16×16 PNG in colours of
// its own, base64 as Odoo answers it.
func demoImage(i int) string {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	c := color.RGBA{uint8(37 * i), uint8(91 * i), uint8(53*i + 128), 255}
	for y := range 16 {
		for x := range 16 {
			if (x/4+y/4)%2 == 0 {
				img.Set(x, y, c)
			} else {
				img.Set(x, y, color.RGBA{255 - c.R, 255 - c.G, 255 - c.B, 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}
