package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

func itoa(n int) string { return strconv.Itoa(n) }

// weighted is a choice with a weight and an optional date window.
type weighted struct {
	s        string
	w        float64
	from, to string // "YYYY-MM-DD", inclusive; empty: open
}

func (x weighted) fits(dt domain.Date) bool {
	s := dt.String()
	return (x.from == "" || s >= x.from) && (x.to == "" || s <= x.to)
}

// themes are what was being studied: standing content, plus the campaigns
// and documents of the moment, which weigh more while they are current.
var themes = []weighted{
	{s: "习近平新时代中国特色社会主义思想", w: 2},
	{s: "党的二十大精神", w: 2},
	{s: "习近平总书记关于教育的重要论述", w: 2},
	{s: "习近平总书记来陕考察重要讲话重要指示精神", w: 1},
	{s: "社会主义核心价值观", w: 1},
	{s: "全国两会精神", w: 4, from: "-03-05", to: "-04-30"},
	{s: "党纪学习教育", w: 5, from: "2024-04-01", to: "2024-07-31"},
	{s: "《中国共产党纪律处分条例》", w: 3, from: "2024-04-01", to: "2024-09-30"},
	{s: "党的二十届三中全会精神", w: 5, from: "2024-07-19", to: "2025-10-31"},
	{s: "全国教育大会精神", w: 4, from: "2024-09-11", to: "2025-06-30"},
	{s: "《教育强国建设规划纲要（2024—2035年）》", w: 4, from: "2025-01-20"},
	{s: "深入贯彻中央八项规定精神学习教育", w: 5, from: "2025-03-20", to: "2025-07-31"},
	{s: "纪念中国人民抗日战争暨世界反法西斯战争胜利80周年", w: 3, from: "2025-07-07", to: "2025-09-30"},
	{s: "党的二十届四中全会精神", w: 6, from: "2025-10-24"},
	{s: "“十五五”规划纲要", w: 3, from: "2026-03-13"},
}

// books are what study and reading sessions read.
var books = []weighted{
	{s: "《习近平著作选读》", w: 2},
	{s: "《习近平谈治国理政》第四卷", w: 2},
	{s: "《习近平新时代中国特色社会主义思想学习纲要（2023年版）》", w: 2},
	{s: "《中国共产党简史》", w: 1},
	{s: "《中国共产党章程》", w: 1},
	{s: "《中国共产党纪律处分条例》", w: 1, from: "2024-01-01"},
	{s: "《新时代中小学教师职业行为十项准则》", w: 1},
	{s: "《给教师的建议》", w: 1},
	{s: "《教育强国建设规划纲要（2024—2035年）》", w: 2, from: "2025-01-20"},
}

// headlines are the titles of submitted articles; {U} is the unit's short name.
var headlines = []string{
	"{U}：“习语润咸”宣讲进课堂 理论之花校园绽放",
	"{U}扎实推进清廉学校建设",
	"{U}：党建引领促发展 立德树人谱新篇",
	"{U}开展“学雷锋”志愿服务活动",
	"{U}：五育并举绘就育人新画卷",
	"{U}开展清明节“祭英烈”活动",
	"{U}党员志愿者助力“三夏”生产",
	"{U}：“善教立心·乐学铸魂”党建品牌结硕果",
	"{U}举办“礼赞新时代 同心向未来”庆“六一”活动",
	"{U}：小小宣讲员讲好身边故事",
}

// returnReasons are why a reviewer sends an activity back. The first one is
// about missing evidence; records returned for it carry no photo.
var returnReasons = []string{
	"佐证材料不全，请补充活动照片",
	"参加人数与签到表不一致，请核实后重新提交",
	"活动标题不规范，请按“单位+活动内容”填写",
	"活动内容描述过于简单，请补充活动过程和效果",
	"活动日期与照片时间不符，请核实",
}

// pickWeighted chooses one string among those that fit the date; a window
// "-MM-DD" without a year applies every year.
func pickWeighted(r *rand.Rand, xs []weighted, dt domain.Date) string {
	total := 0.0
	fit := make([]bool, len(xs))
	for i, x := range xs {
		if fitsYearly(x, dt) {
			fit[i] = true
			total += x.w
		}
	}
	v := r.Float64() * total
	last := ""
	for i, x := range xs {
		if !fit[i] {
			continue
		}
		last = x.s
		if v < x.w {
			return x.s
		}
		v -= x.w
	}
	return last
}

func fitsYearly(x weighted, dt domain.Date) bool {
	y := itoa(dt.Year)
	if strings.HasPrefix(x.from, "-") {
		x.from = y + x.from
	}
	if strings.HasPrefix(x.to, "-") {
		x.to = y + x.to
	}
	return x.fits(dt)
}

// fill expands a template with the values of one activity.
func fill(tpl string, vals *strings.Replacer) string { return vals.Replace(tpl) }
