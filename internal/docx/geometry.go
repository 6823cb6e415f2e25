package docx

import "math"

// The page geometry of GB/T 9704-2012, in twips (1/1440 inch; 1 mm = 1440/25.4 ≈ 56.6929
// twips). Every length given in millimetres by the standard is converted with mmToTwips,
// which rounds to the nearest twip, so each value is within half a twip of the standard.
//
//	page (A4)      210 × 297 mm            = 11906 × 16838 (Word's own A4 values)
//	top margin      37 mm = 2097.64        → 2098
//	bottom margin   35 mm = 1984.25        → 1984
//	left margin     28 mm = 1587.40        → 1587
//	right margin    26 mm = 1474.02        → 1474
//
// Text area (版心): 11906 − 1587 − 1474 = 8845 twips wide (156.03 mm) and
// 16838 − 2098 − 1984 = 12756 twips high (225.0 mm).
//
// Lines: 22 lines per page → 12756 / 22 = 579.8 twips per line. The pitch is rounded DOWN
// to 579 (28.95 pt, the "固定值 28.95 磅" every bureau template uses) so that 22 lines
// fit: 22 × 579 = 12738 ≤ 12756, whereas 22 × 580 = 12760 would leave only 21.
//
// Characters: 28 per line → 8845 / 28 = 315.89 twips (15.795 pt) per character, a little
// narrower than the 16 pt (320 twips) 三号 face. Word's document grid expresses this as
// w:charSpace, the difference from the default font size in 1/4096 pt:
// (15.7946 − 16) × 4096 = −841.2, rounded DOWN to −842 so that 28 characters fit:
// 28 × (16 − 842/4096) pt = 8844.9 twips ≤ 8845.
//
// Word lays text out on that grid by itself, but LibreOffice (7.x) puts each character
// wider than a grid cell into TWO cells, so a 16 pt character in a 15.79 pt cell halves
// the line to 14 characters. The text paragraphs therefore do not snap to the grid
// (w:snapToGrid="0"; the grid stays declared, so Word's page setup shows 22 × 28 and new
// text typed by the user follows it). Instead they get what the grid would give, in
// terms every reader honours: exact line spacing of one pitch (579) and 三号 runs
// condensed by 6 twips (w:spacing w:val="-6"), i.e. 314 twips per character. The
// arithmetic bound is 315 (8845 / 28 = 315.89; 28 × 315 = 8820 ≤ 8845), but LibreOffice
// keeps character spacing in 1/100 mm and, measured, still broke lines at 27 with −5;
// with −6 it sets 28, and so does Word: 28 × 314 = 8792 ≤ 8845 < 29 × 314. The 53 twips
// (0.9 mm) left over are spread by justification. TestLibreOfficeLinesAndChars measures it.
const (
	pageWidth  = 11906 // A4 width, 210 mm
	pageHeight = 16838 // A4 height, 297 mm

	// Body text size: 三号 = 16 pt = 32 half-points.
	bodyHalfPoints = 32
	// Title size: 二号 = 22 pt.
	titleHalfPoints = 44
	// Page number size: 四号 = 14 pt.
	pageNumberHalfPoints = 28

	linesPerPage = 22
	charsPerLine = 28
)

var (
	marginTop    = mmToTwips(37)
	marginBottom = mmToTwips(35)
	marginLeft   = mmToTwips(28)
	marginRight  = mmToTwips(26)

	textWidth  = pageWidth - marginLeft - marginRight  // 8845
	textHeight = pageHeight - marginTop - marginBottom // 12756

	// linePitch is the fixed line spacing of every text paragraph and the grid's pitch.
	linePitch = textHeight / linesPerPage // 579 (integer division rounds down)

	// condense is the character spacing of 三号 text, in twips (see above).
	condense = textWidth/charsPerLine - bodyHalfPoints*10 - 1 // 315 − 320 − 1 = −6

	// charSpace is docGrid's w:charSpace for 28 characters per line (see above).
	charSpace = int(math.Floor((float64(textWidth)/charsPerLine/20 - bodyHalfPoints/2) * 4096))

	// footerDistance puts the page number's 一字线 7 mm below the text area, as GB/T 9704
	// §7.5 asks. The dashes sit at the middle of the number's line (四号 in a CJK face,
	// about 18 pt or 6.4 mm tall), whose bottom is the footer distance from the page's
	// edge: 35 − 7 − 6.4 / 2 ≈ 25 mm. TestLibreOfficeRendersReport measures it.
	footerDistance = mmToTwips(25)

	// headerDistance is unused by the content (there is no header) but Word requires it.
	headerDistance = mmToTwips(15)

	// pageNumberIndent is the one-character space between the page number and the
	// outside edge of the text area (GB/T 9704 §7.5: 单页码居右空一字，双页码居左空一字):
	// one 四号 character, 14 pt.
	pageNumberIndent = pageNumberHalfPoints * 10

	// bodyIndent is the two-character first-line indent of body paragraphs in twips,
	// written alongside w:firstLineChars="200" for readers that ignore the grid.
	bodyIndent = 2 * bodyHalfPoints * 10
)

// mmToTwips converts millimetres to twips, rounding to the nearest twip.
func mmToTwips(mm float64) int {
	return int(math.Round(mm * 1440 / 25.4))
}
