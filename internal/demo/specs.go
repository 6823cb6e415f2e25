package demo

import (
	"github.com/zeren-edu/zeren/internal/catalog"
	"github.com/zeren-edu/zeren/internal/domain"
)

// pool is a group of units an activity may be logged by.
type pool uint8

const (
	poolBureau       pool = iota // the bureau itself (局党委, 局机关)
	poolBureauBranch             // the bureau's own branches (机关党支部)
	poolDistrict                 // 学区
	poolSchool                   // 学校
	poolBranch                   // school branches (学校党支部)
)

// kindMask selects pools in a variant; 0 means any.
type kindMask uint8

const (
	kBureau kindMask = 1 << iota
	kBureauBranch
	kDistrict
	kSchool
	kBranch

	kBranches = kBureauBranch | kBranch
)

func maskOf(p pool) kindMask { return 1 << p }

// share is the weight of one pool for an activity type, optionally limited to
// some school levels.
type share struct {
	p      pool
	w      float64
	levels level // 0: every level
}

// place is a venue (or none) with its weight and who holds activities there.
type place struct {
	venue  string // "" for no venue tag
	w      float64
	shares []share
}

// dateRule decides how the dates of a type spread over a year.
type dateRule uint8

const (
	ruleSpread    dateRule = iota // working days, drawn independently by weight
	ruleEven                      // working days, spread evenly by weight (regular meetings)
	ruleMonthly                   // one working day in the middle of every month
	ruleQingming                  // the working days of the week and a half before 清明
	ruleFestival                  // on or just before a festival, days off allowed
	ruleChildrens                 // on or just before 六一, days off allowed
)

// audience decides how many people attend.
type audience uint8

const (
	audNone       audience = iota // no attendance recorded
	audLeaders                    // a leadership body
	audMeeting                    // a working meeting of the unit
	audMembers                    // the unit's party members
	audStaff                      // the unit's staff
	audTeachers                   // a group of teachers (a subject team)
	audStudents                   // a good part of the students, with teachers
	audClass                      // one class
	audAll                        // the whole school
	audVolunteers                 // a volunteer group
	audTeam                       // an outreach team
	audDistrict                   // teachers gathered from many schools
	audTraining                   // a county-wide training
	audYoung                      // young cadres and teachers
	audNonParty                   // staff who are not party members
)

// variant is one way an activity of a type is written up: a title and a
// description template, who attends, and where it fits.
//
// Templates use {U} the unit, {T} a study theme of the day, {B} a book, {X}
// one of xs, {V} the venue, {A} attendance, {D} the date (3月15日), {M} the
// month, {Q} the quarter, {H} the half-year, {TERM} the school term, {N1} the
// Party's anniversary, {N2} the PRC's anniversary, {S} a visited school, {G}
// an article headline, {GRADE} a grade of the school.
type variant struct {
	title, desc string
	aud         audience
	kinds       kindMask // 0: any pool of the type
	levels      level    // 0: any school level
	months      []int    // empty: any month
	from, to    string   // theme window "YYYY-MM-DD" (inclusive); empty: open
	venue       string   // "": any venue the place chose; "-": only without a venue
	fest        string   // holiday activities: the festival it belongs to
	xs          []string
	w           float64 // weight; 0 counts as 1
}

// typeSpec is how the demo produces one activity type.
type typeSpec struct {
	code string
	// base is the county-level count of the first demo year (2024). Where the
	// source document gives a figure, base is that figure.
	base int
	// fixed keeps the count the same every year (a rule, not a habit).
	fixed    bool
	rule     dateRule
	months   [12]float64 // month weights; all zero: flat
	breakW   float64     // weight of a school-holiday working day (0: 0.12)
	places   []place
	variants []variant
	// oncePerUnit: a unit holds it at most once a year (六一 celebrations).
	oncePerUnit bool
	// minutes: meetings whose evidence is often the minutes as a PDF.
	minutes bool
}

// Month weight presets.
var (
	// bureauMonths: the bureau works through the school holidays, a little less in August.
	bureauMonths = [12]float64{1, 0.8, 1, 1, 1, 1, 1, 0.7, 1, 1, 1, 1}
)

func all(p pool) []share { return []share{{p: p, w: 1}} }

// specs is the demo's plan per activity type, in catalog order. Types the
// catalog lacks or has deactivated are skipped.
func specs() []typeSpec {
	return []typeSpec{
		// ——— 1 leadership ———
		{code: catalog.CodePartyCommitteeMeeting, base: 8, rule: ruleEven, months: bureauMonths, breakW: 0.5, minutes: true,
			// source: 上半年，局党委召开专题会议4次
			places: []place{{w: 1, shares: all(poolBureau)}},
			variants: []variant{
				{title: "局党委召开意识形态工作专题会议", desc: "{D}，局党委召开意识形态工作专题会议，传达学习{T}，分析研判全系统意识形态领域形势，安排部署近期重点工作，{A}人参加。", aud: audLeaders},
				{title: "局党委召开{Q}意识形态工作专题会议", desc: "会议听取班子成员分片包抓学区、学校意识形态工作情况汇报，研究解决存在的突出问题，{A}人参加。", aud: audLeaders},
				{title: "局党委专题研究部署{H}意识形态工作", desc: "会议研究修订意识形态工作责任清单，压实班子成员“一岗双责”，明确{H}重点任务和完成时限。", aud: audLeaders},
				{title: "局党委召开会议专题学习{T}", desc: "{D}，局党委召开专题会议，集中学习{T}，研究贯彻落实措施，{A}人参加。", aud: audLeaders},
			}},
		{code: catalog.CodeLeadingGroupMeeting, base: 20, rule: ruleSpread, months: [12]float64{0.6, 1.5, 1.8, 1, 0.8, 0.8, 0.7, 0.5, 2, 1, 0.8, 0.8},
			places:  []place{{w: 1, shares: []share{{p: poolBureau, w: 0.15}, {p: poolDistrict, w: 0.2}, {p: poolSchool, w: 0.65}}}},
			minutes: true,
			variants: []variant{
				{title: "{U}召开意识形态工作领导小组会议", desc: "{D}，{U}召开意识形态工作领导小组会议，传达上级有关文件精神，研究部署{TERM}意识形态工作，{A}人参加。", aud: audMeeting},
				{title: "{U}意识形态工作领导小组专题研究{TERM}工作要点", desc: "会议逐条讨论{TERM}意识形态工作要点和责任分工，明确各项任务的责任人和完成时限。", aud: audMeeting},
				{title: "{U}调整充实意识形态工作领导小组并召开第一次会议", desc: "根据人员变动调整充实领导小组成员，明确办公室职责，部署{TERM}重点工作，{A}人参加。", aud: audMeeting, months: []int{2, 3, 9}},
			}},
		{code: catalog.CodeDutyAnalysisMeeting, base: 20, rule: ruleSpread, months: [12]float64{1.2, 0.5, 1.6, 0.8, 0.8, 1.8, 1.4, 0.4, 1.6, 0.8, 0.8, 1.8},
			places:  []place{{w: 1, shares: []share{{p: poolBureau, w: 0.2}, {p: poolDistrict, w: 0.3}, {p: poolSchool, w: 0.5}}}},
			minutes: true,
			variants: []variant{
				{title: "{U}召开{Q}意识形态工作分析研判会", desc: "会议听取各部门意识形态工作情况汇报，分析研判师生思想动态和网络舆情形势，提出下一步工作措施，{A}人参加。", aud: audMeeting},
				{title: "{U}召开{H}意识形态工作形势分析会", desc: "{D}，{U}召开{H}意识形态工作形势分析会，梳理风险点{X}个，逐项明确责任人和防控措施。", aud: audMeeting, months: []int{6, 7, 12, 1}, xs: []string{"3", "4", "5", "6"}},
				{title: "{U}开展意识形态领域风险点排查分析研判", desc: "对课堂教学、教材教辅、校园阵地、网络平台等方面开展风险点排查，形成分析研判报告，{A}人参加。", aud: audMeeting},
			}},
		{code: catalog.CodeCoverageVisit, base: 16, rule: ruleEven, breakW: 0.02,
			places: []place{{w: 1, shares: all(poolBureau)}},
			variants: []variant{
				{title: "局党委班子成员到{S}调研指导意识形态工作", desc: "听取{S}意识形态工作责任制落实情况汇报，查阅理论学习记录和活动台账，对存在的问题提出整改要求。"},
				{title: "分片包抓领导到{S}督导检查意识形态阵地管理", desc: "实地查看宣传栏、校园广播、校园网站和微信公众号等阵地管理情况，督促落实信息发布“三审三校”制度。"},
				{title: "局党委班子成员深入{S}开展分片包抓调研", desc: "与班子成员和一线教师座谈，了解思想动态和意识形态工作开展情况，现场交办问题{X}条。", xs: []string{"2", "3", "4"}},
			}},
		{code: catalog.CodeCleanSchoolActivity, base: 22, rule: ruleSpread,
			places: []place{{w: 1, shares: []share{{p: poolSchool, w: 0.7}, {p: poolBranch, w: 0.3}}}},
			variants: []variant{
				{title: "{U}开展清廉学校建设推进活动", desc: "{D}，{U}围绕“三个年”活动开展清廉学校建设推进活动，对照清单逐项查摆问题、落实整改，{A}人参加。", aud: audStaff, kinds: kSchool},
				{title: "{U}开展“清廉校园”文化建设活动", desc: "设置廉洁文化长廊，开展廉洁书签、廉洁格言征集，营造崇廉尚洁的校园氛围，{A}人参加。", aud: audStaff, kinds: kSchool},
				{title: "{U}召开清廉学校建设工作推进会", desc: "会议通报清廉学校建设任务完成情况，部署下一阶段重点工作，{A}人参加。", aud: audMeeting, kinds: kSchool},
				{title: "{U}开展清廉学校建设专题学习", desc: "组织党员学习清廉学校建设有关文件和典型案例，交流心得体会，{A}名党员参加。", aud: audMembers, kinds: kBranch},
			}},

		// ——— 2 theory study ———
		{code: catalog.CodeCentralGroupStudy, base: 12, fixed: true, rule: ruleMonthly, minutes: true,
			places: []place{{w: 1, shares: all(poolBureau)}},
			variants: []variant{
				{title: "局党委理论学习中心组{M}月集中学习", desc: "{D}，局党委理论学习中心组集中学习{T}，班子成员结合分管工作交流发言，{A}人参加。", aud: audLeaders},
				{title: "局党委理论学习中心组专题学习{T}", desc: "中心组成员逐章研读原文，围绕推动教育高质量发展开展研讨交流，{A}人参加。", aud: audLeaders},
				{title: "局党委理论学习中心组开展专题研讨", desc: "围绕{T}开展专题研讨，班子成员逐一发言，查找差距不足，明确改进措施，{A}人参加。", aud: audLeaders},
			}},
		{code: catalog.CodeThemedActivity, base: 57, rule: ruleSpread, months: [12]float64{0.7, 0.5, 1.2, 1.1, 1.2, 1, 0.6, 0.4, 1.2, 1.1, 1.1, 1},
			// source: “讲述立德树人故事 深化五育并举实践”主题活动57次
			places: []place{{w: 1, shares: []share{{p: poolSchool, w: 0.55}, {p: poolBranch, w: 0.33}, {p: poolDistrict, w: 0.06}, {p: poolBureau, w: 0.06}}}},
			variants: []variant{
				{title: "{U}开展“讲述立德树人故事 深化五育并举实践”主题活动", desc: "{D}，{U}组织教师讲述身边的立德树人故事，交流五育并举实践经验，{A}人参加。", aud: audStaff, kinds: kSchool, w: 3},
				{title: "{U}开展“讲述立德树人故事”教师演讲比赛", desc: "{X}名教师登台讲述育人故事，评选出一等奖2名、二等奖3名，{A}人参加。", aud: audStaff, kinds: kSchool, xs: []string{"8", "10", "12", "15"}},
				{title: "{U}开展“五育并举·润心育人”主题实践活动", desc: "活动围绕德智体美劳五个方面设置实践项目，学生分组参与，{A}名师生参加。", aud: audStudents, kinds: kSchool},
				{title: "{U}开展“学思践悟 争做‘四有’好老师”主题活动", desc: "组织党员教师学习{T}，结合教育教学实际撰写心得，{A}人参加。", aud: audMembers, kinds: kBranch},
				{title: "{U}开展“善教立心·乐学铸魂”党建品牌创建主题活动", desc: "围绕党建品牌创建开展党员示范课、结对帮扶等活动，推动党建与教育教学深度融合，{A}人参加。", aud: audMembers, kinds: kBranch, w: 2},
				{title: "{U}开展“红心向党·奋进新征程”主题教育活动", desc: "通过升旗仪式、主题班会、红色故事会等形式，引导学生听党话、跟党走，{A}名师生参加。", aud: audStudents, kinds: kSchool, levels: lvNoKinder},
				{title: "{U}举办“讲述立德树人故事 深化五育并举实践”主题活动交流展示", desc: "各校推选代表交流五育并举典型经验，现场观摩展示成果，{A}人参加。", aud: audDistrict, kinds: kDistrict | kBureau},
				{title: "{U}开展“强国复兴有我”主题活动", desc: "通过诵读经典、红色歌曲传唱等形式，激发学生爱国热情，{A}名师生参加。", aud: audStudents, kinds: kSchool, levels: lvNoKinder},
				{title: "{U}开展庆祝新中国成立{N2}周年主题活动", desc: "组织师生开展歌咏比赛、手抄报展评，抒发爱国情怀，{A}名师生参加。", aud: audStudents, kinds: kSchool, months: []int{9}, w: 4},
				{title: "{U}开展纪念中国人民抗日战争暨世界反法西斯战争胜利80周年主题活动", desc: "组织观看纪念活动，开展主题班会和征文活动，铭记历史、缅怀先烈，{A}名师生参加。", aud: audStudents, kinds: kSchool, levels: lvNoKinder, from: "2025-07-07", to: "2025-09-30", w: 5},
			}},
		{code: catalog.CodeOutreachLecture, base: 84, rule: ruleSpread, months: [12]float64{0.7, 0.5, 1.3, 1.2, 1.1, 1, 0.6, 0.3, 1.1, 1.1, 1.2, 1.1},
			// source: “习语润咸”宣讲活动进机关、进校园、进课堂、进头脑84余场次
			places: []place{
				{venue: domain.VenueOffice, w: 0.12, shares: []share{{p: poolBureau, w: 0.4}, {p: poolBureauBranch, w: 0.3}, {p: poolDistrict, w: 0.3}}},
				{venue: domain.VenueCampus, w: 0.48, shares: all(poolSchool)},
				{venue: domain.VenueClassroom, w: 0.40, shares: []share{{p: poolSchool, w: 1, levels: lvNoKinder}}},
			},
			variants: []variant{
				{title: "{U}开展“习语润咸”宣讲进{V}活动", desc: "{D}，宣讲团成员围绕{T}，结合教育工作实际进行宣讲，{A}人参加。", aud: audStaff, kinds: kBureau | kBureauBranch, w: 2},
				{title: "“习语润咸”宣讲团走进{U}宣讲{T}", desc: "宣讲团成员以鲜活事例阐释理论要义，推动党的创新理论进机关、入人心，{A}人参加。", aud: audStaff, kinds: kBureau | kBureauBranch},
				{title: "{U}开展“习语润咸”宣讲进机关活动", desc: "学区宣讲小组围绕{T}为学区机关和各校班子成员作专题宣讲，{A}人参加。", aud: audDistrict, kinds: kDistrict},
				{title: "{U}开展“习语润咸”宣讲进校园活动", desc: "{D}，{U}邀请县“习语润咸”宣讲团成员围绕{T}作专题宣讲，{A}名师生参加。", aud: audStudents, venue: domain.VenueCampus, w: 3},
				{title: "“习语润咸”宣讲团走进{U}宣讲{T}", desc: "宣讲团成员用通俗易懂的语言、身边的故事进行宣讲，{A}名师生聆听。", aud: audStudents, venue: domain.VenueCampus},
				{title: "{U}举办“习语润咸”专题宣讲报告会", desc: "报告会围绕{T}展开，{A}名师生参加，会后各班开展讨论交流。", aud: audStudents, venue: domain.VenueCampus},
				{title: "{U}开展“习语润咸·青春向党”校园宣讲", desc: "学生宣讲员走上讲台，讲述新时代青年的奋斗故事，{A}名师生参加。", aud: audStudents, venue: domain.VenueCampus, levels: lvSecondary},
				{title: "{U}开展“习语润咸”宣讲进课堂活动", desc: "{D}，思政课教师围绕{T}走进{GRADE}课堂宣讲，{A}名学生参加。", aud: audClass, venue: domain.VenueClassroom, w: 3},
				{title: "“习语润咸”进课堂：{U}思政教师宣讲{T}", desc: "结合教材内容设计宣讲微课，引导学生在学思践悟中坚定理想信念，{A}名学生参加。", aud: audClass, venue: domain.VenueClassroom},
				{title: "{U}开展“习语润咸”宣讲进头脑思政微课堂", desc: "以问题为导向设计思政微课堂，推动党的创新理论进课堂、进头脑，{A}名学生参加。", aud: audClass, venue: domain.VenueClassroom},
			}},
		{code: catalog.CodePoliticalCourseImprovement, base: 14, rule: ruleSpread, months: [12]float64{0.2, 0.2, 0.8, 3, 2, 0.6, 0.1, 0.1, 0.6, 2, 3, 1},
			// source: 思政课“三百”提升工程和“大练兵”活动3轮次, led by the high schools
			places: []place{{venue: domain.VenueClassroom, w: 1, shares: []share{{p: poolSchool, w: 1, levels: lvHigh | lvVocational | lvMiddle | lvNine}}}},
			variants: []variant{
				{title: "{U}开展思政课“三百”提升工程“大练兵”展示课", desc: "{D}，思政课教师围绕{T}上展示课，教研组现场评课议课，{A}名学生参加。", aud: audClass, w: 2},
				{title: "{U}举办思政课教师“大练兵”说课比赛", desc: "{X}名思政课教师参加说课比赛，县教研室派员现场指导。", aud: audTeachers, xs: []string{"5", "6", "8", "9"}},
				{title: "{U}开展思政课“三百”提升工程集体备课", desc: "思政课教研组围绕{T}开展集体备课，打磨精品课例，{A}人参加。", aud: audTeachers},
			}},
		{code: catalog.CodeStudySession, base: 72, rule: ruleSpread, months: [12]float64{0.8, 0.5, 1.2, 1.1, 1.1, 1, 0.8, 0.5, 1.1, 1.1, 1.1, 1},
			breakW: 0.3,
			// source: 政治理论学习和读书活动72余次
			places: []place{
				{w: 0.9, shares: []share{{p: poolBranch, w: 0.64}, {p: poolBureauBranch, w: 0.06}, {p: poolSchool, w: 0.22}, {p: poolBureau, w: 0.08}}},
				{venue: domain.VenueOnline, w: 0.1, shares: []share{{p: poolBranch, w: 0.8}, {p: poolBureauBranch, w: 0.2}}},
			},
			variants: []variant{
				{title: "{U}开展{M}月政治理论集中学习", desc: "{D}，{U}组织党员集中学习{T}，并结合岗位实际开展交流研讨，{A}人参加。", aud: audMembers, kinds: kBranches, venue: "-", w: 2},
				{title: "{U}集中学习{T}", desc: "支部书记领学，党员逐一交流学习体会，{A}名党员参加。", aud: audMembers, kinds: kBranches, venue: "-", w: 2},
				{title: "{U}组织党员教师共读{B}", desc: "学习型党员教师团队按学习计划开展读书活动，{X}名党员作读书分享，{A}人参加。", aud: audMembers, kinds: kBranches, venue: "-", xs: []string{"3", "4", "5"}},
				{title: "{U}开展“书香润师心”读书分享会", desc: "{D}，{U}组织教职工共读{B}，交流读书心得，{A}人参加。", aud: audStaff, kinds: kSchool},
				{title: "{U}组织全体教职工开展政治理论学习", desc: "集中学习{T}和上级有关文件精神，{A}名教职工参加。", aud: audStaff, kinds: kSchool, w: 2},
				{title: "{U}组织机关干部集中学习{T}", desc: "{D}，{U}组织机关全体干部集中学习，各股室负责人交流发言，{A}人参加。", aud: audStaff, kinds: kBureau},
				{title: "{U}开展线上政治理论学习", desc: "利用视频会议平台组织党员学习{T}，{A}名党员在线参加。", aud: audMembers, venue: domain.VenueOnline},
			}},

		// ——— 3 civility building ———
		{code: catalog.CodeMoralEducation, base: 97, rule: ruleSpread, months: [12]float64{0.6, 0.5, 1.8, 1, 1, 0.9, 0.4, 0.3, 1.5, 1, 1, 1},
			// source: 社会公德、职业道德、家庭美德、个人品德教育97余场次
			places: []place{{w: 1, shares: []share{{p: poolSchool, w: 0.55}, {p: poolBranch, w: 0.45}}}},
			variants: []variant{
				{title: "{U}开展师德师风专题教育活动", desc: "{D}，{U}组织教职工学习《新时代中小学教师职业行为十项准则》，通报典型案例，{A}人参加。", aud: audStaff, kinds: kSchool, w: 2},
				{title: "{U}组织教职工签订师德师风承诺书", desc: "开学之际组织全体教职工签订师德师风承诺书，公开承诺、接受监督，{A}人参加。", aud: audStaff, kinds: kSchool, months: []int{2, 3, 8, 9}, w: 2},
				{title: "{U}开展“学雷锋·树新风”主题教育活动", desc: "通过学雷锋主题班会、好人好事评选等形式，引导学生争做文明好少年，{A}名师生参加。", aud: audStudents, kinds: kSchool, months: []int{3}, w: 5},
				{title: "{U}开展“孝老爱亲·传承家风”家庭美德教育", desc: "组织学生讲述家风故事、为家人做一件家务，{A}名师生参加。", aud: audStudents, kinds: kSchool},
				{title: "{U}开展“诚信守礼·文明出行”社会公德教育", desc: "通过国旗下讲话、主题班会等形式开展社会公德教育，{A}名师生参加。", aud: audStudents, kinds: kSchool, levels: lvNoKinder},
				{title: "{U}召开“文明礼仪伴我行”主题班会", desc: "班主任结合校园生活实例讲解文明礼仪规范，学生分组表演情景剧，{A}名学生参加。", aud: audClass, kinds: kSchool, levels: lvNoKinder},
				{title: "{U}举办“最美教师”先进事迹报告会", desc: "{X}名优秀教师代表讲述扎根教育、立德树人的感人事迹，{A}人参加。", aud: audStaff, kinds: kSchool, months: []int{9}, w: 4, xs: []string{"3", "4", "5"}},
				{title: "{U}开展“四德”教育专题党课", desc: "支部书记围绕社会公德、职业道德、家庭美德、个人品德讲授专题党课，{A}名党员参加。", aud: audMembers, kinds: kBranch, w: 2},
				{title: "{U}开展“好家风·好家训”征集展示活动", desc: "组织党员教师和学生家庭征集家风家训，优秀作品在校园展出，{A}人参加。", aud: audMembers, kinds: kBranch},
				{title: "{U}开展职业道德警示教育", desc: "组织党员学习违反师德师风典型案例通报，逐一对照检查，{A}名党员参加。", aud: audMembers, kinds: kBranch},
			}},
		{code: catalog.CodeCivilityCampaign, base: 26, rule: ruleSpread,
			places: []place{
				{venue: domain.VenueCampus, w: 0.8, shares: []share{{p: poolSchool, w: 0.85}, {p: poolBranch, w: 0.15}}},
				{w: 0.2, shares: []share{{p: poolSchool, w: 0.6}, {p: poolBranch, w: 0.4}}},
			},
			variants: []variant{
				{title: "{U}开展文明校园创建推进活动", desc: "{D}，{U}对照文明校园测评标准逐项自查，开展校园环境整治和文明监督岗活动，{A}名师生参加。", aud: audStudents, kinds: kSchool, w: 2},
				{title: "{U}开展“文明班级”评选活动", desc: "从纪律、卫生、礼仪等方面开展文明班级评比，评选出文明班级{X}个。", aud: audStudents, kinds: kSchool, xs: []string{"4", "5", "6", "8"}},
				{title: "{U}开展优质服务提升行动", desc: "围绕家长满意度开展优质服务承诺和家校沟通提升行动，{A}名教职工参加。", aud: audStaff, kinds: kSchool},
				{title: "{U}开展“党员教师承诺践诺”活动", desc: "党员教师结合岗位公开承诺、亮明身份，支部定期评议践诺情况，{A}名党员参加。", aud: audMembers, kinds: kBranch},
			}},
		{code: catalog.CodeXuexiGroupStudy, base: 30, rule: ruleSpread, breakW: 0.3,
			places: []place{
				{venue: domain.VenueOnline, w: 0.7, shares: []share{{p: poolBranch, w: 0.85}, {p: poolBureauBranch, w: 0.15}}},
				{w: 0.3, shares: []share{{p: poolBranch, w: 0.85}, {p: poolBureauBranch, w: 0.15}}},
			},
			variants: []variant{
				{title: "{U}组织党员开展“学习强国”集中学习", desc: "{D}，{U}组织党员集中观看“学习强国”平台专题内容，交流学习收获，{A}名党员参加。", aud: audMembers},
				{title: "{U}开展“学习强国”知识竞答活动", desc: "以“双人对战”“四人赛”形式开展知识竞答，以学促用，{A}名党员参加。", aud: audMembers},
				{title: "{U}开展“学习强国”学习心得交流会", desc: "党员结合平台学习内容交流心得体会，{A}名党员参加。", aud: audMembers},
			}},
		{code: catalog.CodeArticleSubmission, base: 12, rule: ruleSpread,
			// source: 开展“学习强国”的学习和稿件报送，目前报送稿件10余篇
			places: []place{{w: 1, shares: []share{{p: poolSchool, w: 0.5}, {p: poolBranch, w: 0.3}, {p: poolBureau, w: 0.2}}}},
			variants: []variant{
				{title: "{U}向“学习强国”学习平台报送稿件《{G}》", desc: "稿件反映本单位工作亮点，经单位审核后报送“学习强国”学习平台。", w: 2},
				{title: "{U}向县融媒体中心报送稿件《{G}》", desc: "稿件经本单位“三审三校”后报送县融媒体中心。"},
				{title: "{U}向市教育局微信公众号报送稿件《{G}》", desc: "稿件经本单位审核后报送市教育局微信公众号。"},
			}},
		{code: catalog.CodePartyMemberThemeDay, base: 60, rule: ruleSpread, breakW: 0.35,
			places: []place{{w: 1, shares: []share{{p: poolBranch, w: 0.9}, {p: poolBureauBranch, w: 0.1}}}},
			variants: []variant{
				{title: "{U}开展{M}月“党员主题日”活动", desc: "{D}，{U}组织党员重温入党誓词，集中学习{T}，按时交纳党费，{A}名党员参加。", aud: audMembers, w: 3},
				{title: "{U}开展“党员主题日”活动：学习{T}", desc: "支部书记领学，党员交流发言，{A}名党员参加。", aud: audMembers},
				{title: "{U}开展“党员主题日”暨“我为群众办实事”活动", desc: "党员围绕学生和家长的急难愁盼问题认领实事项目，{A}名党员参加。", aud: audMembers},
			}},
		// Religion: education of groups only, counted as sessions and
		// attendance; no person-level data (see the catalog's note).
		{code: catalog.CodeReligionPolicyEducation, base: 36, rule: ruleSpread, months: [12]float64{0.1, 0.1, 0.6, 2.5, 2, 0.3, 0.1, 0.1, 0.6, 1.5, 2, 2},
			// source: 在师生中开展了两轮次的宗教排查 — recorded here as two rounds of group education
			places: []place{
				{venue: domain.VenueCampus, w: 0.5, shares: []share{{p: poolSchool, w: 1, levels: lvNoKinder}}},
				{venue: domain.VenueClassroom, w: 0.5, shares: []share{{p: poolSchool, w: 1, levels: lvNoKinder}}},
			},
			variants: []variant{
				{title: "{U}开展宪法和宗教政策宣传教育", desc: "{D}，{U}通过专题讲座面向师生开展宪法和党的宗教工作政策宣传教育，{A}名师生参加。", aud: audStudents, venue: domain.VenueCampus, w: 2},
				{title: "{U}开展“崇尚科学 反对迷信”主题教育", desc: "通过科普讲座、主题展板等形式引导师生崇尚科学、破除迷信，{A}名师生参加。", aud: audStudents, venue: domain.VenueCampus},
				{title: "{U}开展“12·4”国家宪法日宪法宣传教育", desc: "组织师生诵读宪法条文，开展宪法知识竞答，{A}名师生参加。", aud: audStudents, venue: domain.VenueCampus, months: []int{12}, w: 4},
				{title: "{U}开展“铸牢中华民族共同体意识”主题班会", desc: "班主任结合宪法和民族宗教政策知识开展主题班会，{A}名学生参加。", aud: audClass, venue: domain.VenueClassroom, w: 2},
				{title: "{U}开展宪法和宗教工作政策进课堂活动", desc: "道德与法治教师结合教材讲解宪法和党的宗教工作政策，{A}名学生参加。", aud: audClass, venue: domain.VenueClassroom},
			}},
		{code: catalog.CodeVolunteerService, base: 82, rule: ruleSpread, months: [12]float64{0.5, 0.4, 1.8, 0.9, 1, 1.8, 0.6, 0.4, 1.2, 1.6, 1, 1},
			breakW: 0.4,
			// source: 持续开展党员志愿服务活动82余次，帮助群众抢收抢种
			places: []place{
				{venue: domain.VenueCommunity, w: 0.7, shares: []share{{p: poolBranch, w: 0.6}, {p: poolSchool, w: 0.3}, {p: poolBureauBranch, w: 0.1}}},
				{w: 0.3, shares: []share{{p: poolBranch, w: 0.6}, {p: poolSchool, w: 0.3}, {p: poolBureauBranch, w: 0.1}}},
			},
			variants: []variant{
				{title: "{U}党员志愿服务队帮助群众抢收抢种", desc: "{D}，{U}组织党员志愿者深入田间地头帮助缺少劳力的农户抢收抢种，{A}人参加。", aud: audVolunteers, months: []int{6, 9, 10}, venue: domain.VenueCommunity, w: 4},
				{title: "{U}开展“学雷锋”党员志愿服务活动", desc: "党员志愿者走上街头开展义务清扫和便民服务，{A}人参加。", aud: audVolunteers, months: []int{3}, w: 5},
				{title: "{U}党员志愿者走进社区开展环境整治志愿服务", desc: "党员志愿者清理小区卫生死角、张贴文明宣传标语，{A}人参加。", aud: audVolunteers, venue: domain.VenueCommunity, w: 2},
				{title: "{U}开展“关爱留守儿童”志愿服务活动", desc: "党员教师走访留守儿童家庭，开展学业辅导和心理疏导，{A}人参加。", aud: audVolunteers, venue: "-", w: 2},
				{title: "{U}党员志愿者走进敬老院开展“敬老爱老”志愿服务", desc: "为老人打扫卫生、表演节目、陪伴聊天，{A}人参加。", aud: audVolunteers, venue: domain.VenueCommunity},
				{title: "{U}开展“文明交通劝导”志愿服务", desc: "党员志愿者在校门口和路口开展文明交通劝导，{A}人参加。", aud: audVolunteers, venue: domain.VenueCommunity},
				{title: "{U}开展“爱心助学”家访志愿服务", desc: "党员教师走访家庭经济困难学生，宣传资助政策、送去学习用品，{A}人参加。", aud: audVolunteers, venue: "-"},
			}},
		{code: catalog.CodeCommunitySafetyOutreach, base: 50, rule: ruleSpread, months: [12]float64{0.6, 0.3, 1.4, 0.8, 1.2, 1.6, 0.8, 0.3, 0.8, 0.8, 1.4, 1.3},
			breakW: 0.3,
			// source: 社区安全志愿宣传50余次
			places: []place{
				{venue: domain.VenueCommunity, w: 0.9, shares: []share{{p: poolSchool, w: 0.5}, {p: poolBranch, w: 0.5}}},
				{w: 0.1, shares: []share{{p: poolSchool, w: 0.5}, {p: poolBranch, w: 0.5}}},
			},
			variants: []variant{
				{title: "{U}开展防溺水安全知识进社区宣传", desc: "{D}，{U}志愿者走进社区、村组发放防溺水告家长书，讲解防溺水“六不”要求，{A}人参加。", aud: audVolunteers, months: []int{5, 6, 7}, w: 4},
				{title: "{U}开展“全国中小学生安全教育日”社区安全宣传", desc: "围绕安全教育日主题开展社区宣传，发放宣传资料300余份，{A}人参加。", aud: audVolunteers, months: []int{3, 4}, w: 3},
				{title: "{U}开展“119”消防安全进社区宣传", desc: "志愿者讲解家庭消防安全常识，演示灭火器使用方法，{A}人参加。", aud: audVolunteers, months: []int{11}, w: 4},
				{title: "{U}开展“122”交通安全进社区宣传", desc: "志愿者向居民和家长宣传交通安全法规，劝导文明出行，{A}人参加。", aud: audVolunteers, months: []int{12}, w: 3},
				{title: "{U}开展防范电信网络诈骗社区宣传", desc: "志愿者向群众讲解常见诈骗手法，引导下载国家反诈中心APP，{A}人参加。", aud: audVolunteers, w: 2},
				{title: "{U}开展食品安全志愿宣传进社区", desc: "志愿者宣传食品安全知识，提醒群众不食用“三无”食品，{A}人参加。", aud: audVolunteers},
				{title: "{U}开展“5·12”防灾减灾社区宣传", desc: "志愿者宣传地震、洪涝等灾害避险知识，{A}人参加。", aud: audVolunteers, months: []int{5}, w: 3},
			}},
		{code: catalog.CodeYouthLeagueActivity, base: 32, rule: ruleSpread, months: [12]float64{0.3, 0.2, 1, 1.5, 2, 0.8, 0.3, 0.1, 1, 1.8, 1, 1.3},
			places: []place{
				{venue: domain.VenueCampus, w: 0.7, shares: []share{{p: poolSchool, w: 1, levels: lvNoKinder &^ lvSpecial}}},
				{w: 0.3, shares: []share{{p: poolSchool, w: 1, levels: lvNoKinder &^ lvSpecial}}},
			},
			variants: []variant{
				{title: "{U}团委开展“五四”青年节主题团日活动", desc: "{D}，{U}团委组织团员青年重温入团誓词，开展青春诗会，{A}名团员青年参加。", aud: audStudents, levels: lvHigh | lvVocational | lvMiddle, months: []int{4, 5}, w: 4},
				{title: "{U}少先队大队开展“10·13”建队日主题队会", desc: "少先队员重温入队誓词，学习队史知识，{A}名少先队员参加。", aud: audStudents, levels: lvPrimary | lvNine, months: []int{10}, w: 4},
				{title: "{U}开展“请党放心 强国有我”主题团日活动", desc: "团员青年围绕主题开展交流讨论，{A}名团员青年参加。", aud: audStudents, levels: lvHigh | lvVocational | lvMiddle},
				{title: "{U}举办校园社团文化节", desc: "书法、合唱、科技等社团集中展示活动成果，{A}名师生参加。", aud: audStudents, w: 2},
				{title: "{U}开展“红领巾心向党”主题队日活动", desc: "少先队员通过讲红色故事、唱红色歌曲表达爱党爱国之情，{A}名少先队员参加。", aud: audStudents, levels: lvPrimary | lvNine, w: 2},
				{title: "{U}团委开展“一二·九”爱国主义教育活动", desc: "组织学生开展诗歌朗诵和主题演讲，弘扬爱国主义精神，{A}名师生参加。", aud: audStudents, levels: lvHigh | lvVocational | lvMiddle, months: []int{12}, w: 4},
			}},
		{code: catalog.CodeCommemoration, base: 43, rule: ruleQingming,
			// source: 各支部组织师生认真开展清明节“祭英烈”活动43余次
			places: []place{{w: 1, shares: []share{{p: poolSchool, w: 0.6, levels: lvNoKinder}, {p: poolBranch, w: 0.4}}}},
			variants: []variant{
				{title: "{U}开展清明节“祭英烈”活动", desc: "{D}，{U}组织师生开展清明节“祭英烈”活动，敬献花篮、重温革命历史，{A}人参加。", aud: audStudents, kinds: kSchool, w: 3},
				{title: "{U}组织师生赴烈士陵园开展“缅怀革命先烈 传承红色基因”祭扫活动", desc: "师生代表向革命烈士纪念碑敬献花圈、默哀致敬，{A}人参加。", aud: audVolunteers, kinds: kSchool, w: 2},
				{title: "{U}开展“网上祭英烈”主题教育活动", desc: "组织学生登录中国文明网“网上祭英烈”平台献花留言，{A}名学生参加。", aud: audStudents, kinds: kSchool},
				{title: "{U}开展“清明祭英烈·共铸中华魂”主题队（团）日活动", desc: "讲述英烈故事、诵读红色家书，{A}名师生参加。", aud: audStudents, kinds: kSchool},
				{title: "{U}组织党员到烈士陵园开展清明祭扫活动", desc: "{D}，{U}组织党员向革命烈士敬献花篮、重温入党誓词，{A}名党员参加。", aud: audMembers, kinds: kBranch, w: 2},
				{title: "{U}开展“缅怀革命先烈 赓续红色血脉”清明主题党日活动", desc: "党员观看英烈事迹专题片，交流学习感悟，{A}名党员参加。", aud: audMembers, kinds: kBranch},
			}},
		{code: catalog.CodeChildrensDay, base: 28, rule: ruleChildrens, oncePerUnit: true,
			// source: “六一”国际儿童节来临之际，积极举办“礼赞新时代 同心向未来”系列庆祝活动
			places: []place{{venue: domain.VenueCampus, w: 1, shares: []share{{p: poolSchool, w: 1, levels: lvPupils}}}},
			variants: []variant{
				{title: "{U}举办“礼赞新时代 同心向未来”庆“六一”系列活动", desc: "{D}，{U}举办文艺汇演、游园、优秀少先队员表彰等系列活动，{A}名师生和家长参加。", aud: audAll, w: 3},
				{title: "{U}举行庆“六一”文艺汇演暨表彰大会", desc: "各班带来歌舞、朗诵等节目，表彰优秀学生和优秀少先队员，{A}人参加。", aud: audAll},
				{title: "{U}开展“快乐童年 放飞梦想”庆“六一”游园活动", desc: "设置趣味游戏、亲子互动等项目，{A}名师生和家长参加。", aud: audAll},
				{title: "{U}举行新队员入队仪式暨庆“六一”活动", desc: "一年级新队员佩戴红领巾、集体宣誓，{A}人参加。", aud: audAll, levels: lvPrimary | lvNine},
			}},
		{code: catalog.CodeHolidayActivity, base: 40, rule: ruleFestival,
			// source: 充分利用“五·一”“端午”“七·一”等重要节日
			places: []place{{w: 1, shares: []share{{p: poolSchool, w: 0.45}, {p: poolBranch, w: 0.35}, {p: poolBureau, w: 0.1}, {p: poolBureauBranch, w: 0.1}}}},
			variants: []variant{
				{title: "{U}开展“劳动最光荣”五一主题教育活动", desc: "{D}，{U}组织学生开展劳动技能展示和校园劳动实践，{A}名师生参加。", aud: audStudents, kinds: kSchool, fest: "五一", w: 2},
				{title: "{U}开展“五一”节前廉洁过节提醒教育", desc: "重申中央八项规定精神，提醒党员干部、教职工廉洁过节，{A}人参加。", aud: audMembers, kinds: kBureau | kBranches, fest: "五一", w: 2},
				{title: "{U}开展“五一”劳动节优秀教职工表彰活动", desc: "表彰本年度优秀教师和优秀班主任，弘扬劳模精神，{A}人参加。", aud: audStaff, kinds: kSchool, fest: "五一"},
				{title: "{U}开展“我们的节日·端午”主题活动", desc: "组织学生包粽子、诵读端午诗词，传承中华优秀传统文化，{A}名师生参加。", aud: audStudents, kinds: kSchool, fest: "端午", w: 2},
				{title: "{U}开展端午节前廉洁过节提醒谈话", desc: "支部书记与党员开展节前廉洁提醒谈话，倡导文明节俭过节，{A}名党员参加。", aud: audMembers, kinds: kBureau | kBranches, fest: "端午", w: 2},
				{title: "{U}开展“粽叶飘香 情暖端午”慰问活动", desc: "党员走访慰问老党员和困难群众，送去节日祝福，{A}人参加。", aud: audVolunteers, kinds: kBranches, fest: "端午"},
				{title: "{U}开展庆祝建党{N1}周年“七一”主题党日活动", desc: "{D}，{U}组织党员重温入党誓词，讲授专题党课，{A}名党员参加。", aud: audMembers, kinds: kBureau | kBranches, fest: "七一", w: 4},
				{title: "{U}“七一”前夕走访慰问老党员和困难党员", desc: "为老党员、困难党员送去慰问金和慰问品，{A}人参加。", aud: audVolunteers, kinds: kBranches | kBureau, fest: "七一", w: 2},
				{title: "{U}召开庆祝建党{N1}周年暨“两优一先”表彰大会", desc: "表彰先进基层党组织、优秀共产党员和优秀党务工作者，{A}人参加。", aud: audDistrict, kinds: kBureau, fest: "七一", w: 3},
				{title: "{U}开展庆祝建党{N1}周年主题活动", desc: "组织师生开展红歌传唱和党史故事会，{A}名师生参加。", aud: audStudents, kinds: kSchool, fest: "七一"},
				{title: "{U}开展“我们的节日·中秋”主题活动", desc: "组织学生制作月饼、诵读中秋诗词，感受团圆文化，{A}名师生参加。", aud: audStudents, kinds: kSchool, fest: "中秋", w: 2},
				{title: "{U}开展中秋节前廉洁过节提醒教育", desc: "通报违反中央八项规定精神典型问题，提醒党员廉洁过节，{A}人参加。", aud: audMembers, kinds: kBureau | kBranches, fest: "中秋"},
				{title: "{U}开展“迎国庆·颂祖国”主题活动", desc: "{D}，{U}组织师生开展升旗仪式和爱国歌曲传唱，{A}名师生参加。", aud: audStudents, kinds: kSchool, fest: "国庆", w: 2},
				{title: "{U}开展庆祝新中国成立{N2}周年主题党日活动", desc: "组织党员观看爱国主义影片，交流观后感，{A}名党员参加。", aud: audMembers, kinds: kBranches, fest: "国庆", w: 2},
				{title: "{U}开展国庆节前廉洁过节提醒教育", desc: "重申节日期间纪律要求，倡导文明和谐、实用节俭、廉洁过节，{A}人参加。", aud: audMembers, kinds: kBureau | kBranches | kSchool, fest: "国庆"},
			}},

		// ——— 4 online safety ———
		{code: catalog.CodeOnlineMonitoring, base: 30, rule: ruleEven, breakW: 0.6,
			places: []place{{venue: domain.VenueOnline, w: 1, shares: []share{{p: poolBureau, w: 0.4}, {p: poolSchool, w: 0.6, levels: lvHigh | lvVocational | lvMiddle}}}},
			variants: []variant{
				{title: "{U}开展{M}月网络舆情监测巡查", desc: "舆情监督员对本单位相关网络平台、微信群开展巡查，未发现负面舆情。", w: 2},
				{title: "{U}开展{X}网络舆情专项巡查", desc: "对{X}相关话题开展专项监测，及时掌握社会关切。", xs: []string{"开学季", "招生入学", "中考期间", "高考期间", "节假日期间", "重要时间节点"}},
				{title: "{U}开展校园网站和微信公众号内容安全巡查", desc: "逐条检查近期发布内容，落实“三审三校”，未发现问题。"},
			}},
		{code: catalog.CodeOnlineCommentary, base: 12, rule: ruleEven, breakW: 0.6,
			places: []place{{venue: domain.VenueOnline, w: 1, shares: []share{{p: poolBureau, w: 0.7}, {p: poolSchool, w: 0.3, levels: lvHigh | lvMiddle}}}},
			variants: []variant{
				{title: "{U}围绕{X}开展网络评论引导", desc: "组织网络评论员围绕{X}发布正面评论，解疑释惑、回应关切。", xs: []string{"招生入学政策", "课后服务", "校园安全", "学生营养改善计划", "教师减负", "“双减”政策落实"}, w: 2},
				{title: "{U}开展正面网络评论引导工作", desc: "围绕教育系统重点工作发布评论，营造良好网络舆论氛围。"},
			}},
		{code: catalog.CodeInformationRelease, base: 24, rule: ruleSpread, breakW: 0.5,
			places: []place{
				{venue: domain.VenueOnline, w: 0.8, shares: []share{{p: poolBureau, w: 0.5}, {p: poolSchool, w: 0.5}}},
				{w: 0.2, shares: []share{{p: poolBureau, w: 0.5}, {p: poolSchool, w: 0.5}}},
			},
			variants: []variant{
				{title: "{U}发布{X}政策解读", desc: "通过官方微信公众号发布政策解读，回应家长关切。", kinds: kBureau, xs: []string{"义务教育招生入学政策", "学前教育资助政策", "普通高中招生政策", "学生资助政策", "课后服务收费政策"}, w: 2},
				{title: "{U}在微信公众号发布{TERM}开学工作信息", desc: "发布开学时间、报到安排和安全提醒等信息。", months: []int{2, 3, 8, 9}, w: 3},
				{title: "{U}发布假期安全提醒“致家长的一封信”", desc: "提醒家长落实防溺水、交通、消防和网络安全等监护责任。", months: []int{1, 7}, w: 3},
				{title: "{U}发布教育工作动态信息", desc: "及时发布{U}重点工作动态，主动回应社会关切。"},
			}},

		// ——— 5 issue handling ———
		{code: catalog.CodeConcernAnalysis, base: 10, rule: ruleEven, breakW: 0.5, minutes: true,
			places: []place{{w: 1, shares: []share{{p: poolBureau, w: 0.5}, {p: poolDistrict, w: 0.3}, {p: poolSchool, w: 0.2, levels: lvHigh | lvMiddle}}}},
			variants: []variant{
				{title: "{U}召开{Q}网络舆情分析研判会", desc: "会议梳理本季度舆情监测情况，对涉教热点逐条分析研判，明确回应口径和责任单位，{A}人参加。", aud: audMeeting, w: 2},
				{title: "{U}召开意识形态领域风险隐患分析研判会", desc: "按照属地管理要求分析研判风险隐患，明确处置措施和时限，{A}人参加。", aud: audMeeting},
			}},
		{code: catalog.CodeIncidentDrill, base: 5, rule: ruleEven, breakW: 0.1,
			places: []place{{w: 1, shares: []share{{p: poolBureau, w: 0.5}, {p: poolSchool, w: 0.5, levels: lvHigh | lvVocational | lvMiddle}}}},
			variants: []variant{
				{title: "{U}开展网络舆情突发事件应急处置演练", desc: "模拟涉校负面舆情发酵场景，检验信息报送、研判、回应全流程，{A}人参加。", aud: audMeeting, w: 2},
				{title: "{U}开展意识形态领域突发事件应急处置桌面推演", desc: "按应急预案分组推演处置流程，查找薄弱环节并完善预案，{A}人参加。", aud: audMeeting},
			}},

		// ——— 6 team building ———
		{code: catalog.CodeOutreachTeamActivity, base: 22, rule: ruleSpread,
			// source: 各党支部中成立宣传队20余支
			places: []place{
				{venue: domain.VenueCommunity, w: 0.4, shares: []share{{p: poolBranch, w: 0.6}, {p: poolSchool, w: 0.4}}},
				{venue: domain.VenueCampus, w: 0.4, shares: []share{{p: poolBranch, w: 0.6}, {p: poolSchool, w: 0.4}}},
				{venue: domain.VenueOffice, w: 0.2, shares: []share{{p: poolBranch, w: 0.5}, {p: poolBureauBranch, w: 0.5}}},
			},
			variants: []variant{
				{title: "{U}宣传队开展教育惠民政策宣传进社区活动", desc: "{D}，{U}宣传队走进社区宣讲学生资助、招生入学等政策，{A}人参加。", aud: audTeam, venue: domain.VenueCommunity, w: 2},
				{title: "{U}宣传队开展“{T}”宣传进校园活动", desc: "宣传队员通过展板、广播和班会宣传{T}，{A}人参加。", aud: audTeam, venue: domain.VenueCampus},
				{title: "{U}宣传队开展校园宣传阵地建设活动", desc: "更新宣传栏、文化墙内容，规范校园宣传阵地管理，{A}人参加。", aud: audTeam, venue: domain.VenueCampus},
				{title: "{U}宣传队走进机关开展政策宣传", desc: "宣传队员向机关干部宣讲教育改革发展新政策，{A}人参加。", aud: audTeam, venue: domain.VenueOffice},
			}},
		{code: catalog.CodeTeamTraining, base: 4, rule: ruleEven, breakW: 0.2,
			places: []place{
				{w: 0.7, shares: []share{{p: poolBureau, w: 0.8}, {p: poolDistrict, w: 0.2}}},
				{venue: domain.VenueOnline, w: 0.3, shares: all(poolBureau)},
			},
			variants: []variant{
				{title: "{U}举办网络舆情安全监督员业务培训", desc: "{D}，{U}举办全系统网络舆情安全监督员业务培训，讲解舆情监测、研判和报送要求，{A}人参加。", aud: audTraining, kinds: kBureau, w: 2},
				{title: "{U}举办宣传员队伍能力提升培训", desc: "邀请县融媒体中心编辑讲授新闻写作和新媒体运营，{A}人参加。", aud: audTraining, kinds: kBureau},
				{title: "{U}举办网络舆情监督员培训", desc: "对学区各校舆情监督员开展业务培训，{A}人参加。", aud: audDistrict, kinds: kDistrict},
			}},
		{code: catalog.CodeDisciplineEducation, base: 30, rule: ruleSpread, months: [12]float64{0.6, 0.4, 1, 1.6, 1.6, 1.6, 1.2, 0.5, 1, 1, 1, 1},
			// source: 严格党员领导干部纪律约束和党纪党规教育
			places: []place{{w: 1, shares: []share{{p: poolBranch, w: 0.62}, {p: poolBureauBranch, w: 0.08}, {p: poolBureau, w: 0.12}, {p: poolSchool, w: 0.18}}}},
			variants: []variant{
				{title: "{U}开展党纪学习教育专题学习", desc: "{D}，{U}组织党员逐章学习《中国共产党纪律处分条例》，{A}人参加。", aud: audMembers, from: "2024-04-01", to: "2024-07-31", w: 6},
				{title: "{U}开展党纪学习教育警示教育", desc: "通报教育系统违纪违法典型案例，以案为鉴、以案促改，{A}人参加。", aud: audMembers, from: "2024-04-01", to: "2024-07-31", w: 4},
				{title: "{U}开展深入贯彻中央八项规定精神学习教育专题研讨", desc: "{D}，{U}组织党员学习中央八项规定及其实施细则精神，对照查摆问题，{A}人参加。", aud: audMembers, from: "2025-03-01", to: "2025-07-31", w: 6},
				{title: "{U}组织观看警示教育片", desc: "组织党员干部观看警示教育片，交流观后感，{A}人参加。", aud: audMembers, w: 2},
				{title: "{U}学习《中国共产党纪律处分条例》", desc: "逐条学习纪律处分条例，党员结合岗位谈认识，{A}人参加。", aud: audMembers},
				{title: "{U}开展党纪党规知识专题辅导", desc: "邀请县纪委派驻纪检组讲授党纪党规专题辅导课，{A}人参加。", aud: audStaff, kinds: kBureau | kSchool},
				{title: "{U}召开以案促改警示教育会", desc: "通报典型案例，剖析问题根源，督促党员干部引以为戒，{A}人参加。", aud: audStaff, kinds: kBureau | kSchool},
			}},
		{code: catalog.CodeIntegrityEducation, base: 20, rule: ruleSpread,
			// source: 围绕“青春倡廉”年轻党员领导干部廉政教育积极开展以“六个一”活动
			places: []place{{w: 1, shares: []share{{p: poolBranch, w: 0.5}, {p: poolSchool, w: 0.3}, {p: poolBureau, w: 0.2}}}},
			variants: []variant{
				{title: "{U}开展“青春倡廉”廉政教育“六个一”活动", desc: "{D}，{U}组织年轻党员干部开展读一本廉政书籍、写一篇心得体会等“六个一”活动，{A}人参加。", aud: audYoung, w: 3},
				{title: "{U}组织年轻党员干部开展廉政谈话", desc: "主要负责同志与年轻党员干部逐一谈心谈话，提醒守住廉洁底线，{A}人参加。", aud: audYoung},
				{title: "{U}开展“青春倡廉”廉洁文化作品征集", desc: "征集廉洁书法、绘画和微视频作品{X}件。", aud: audYoung, xs: []string{"18", "24", "31", "36"}},
				{title: "{U}组织年轻党员教师参观廉政教育基地", desc: "参观县廉政教育基地，接受廉洁文化熏陶，{A}人参加。", aud: audYoung},
				{title: "{U}开展“青春倡廉”读书分享会", desc: "年轻党员干部共读{B}，交流廉洁从教体会，{A}人参加。", aud: audYoung},
			}},
		{code: catalog.CodeNonPartyStaffOutreach, base: 10, rule: ruleSpread,
			// source: 进一步加强对党外教职工的政治引领和政治吸纳
			places: []place{{w: 1, shares: []share{{p: poolSchool, w: 1, levels: lvHigh | lvVocational | lvMiddle | lvNine | lvPrimary}}}},
			variants: []variant{
				{title: "{U}召开党外教职工座谈会", desc: "{D}，{U}召开党外教职工座谈会，通报学校工作，听取意见建议，{A}人参加。", aud: audNonParty, w: 2},
				{title: "{U}组织党外教职工开展政治理论学习", desc: "组织党外教职工学习{T}，{A}人参加。", aud: audNonParty},
				{title: "{U}开展党外教职工“同心”主题教育活动", desc: "组织党外教职工参观红色教育基地，增进政治认同，{A}人参加。", aud: audNonParty},
			}},
	}
}
