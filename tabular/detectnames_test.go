package tabular

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// nameSource builds random contact names in one language.
type nameSource struct {
	label     string
	enc       encoding.Encoding
	want      string // detected name when right
	family    []string
	given     []string
	sep       string // between family and given name
	westOrder bool   // given name first
	// minRate is the share of files of minRows rows and more that must
	// be detected (not refused).
	minRate float64
	minRows int
}

func fields(s string) []string { return strings.Fields(s) }

var nameSources = []nameSource{
	{
		label: "gbk", enc: simplifiedchinese.GBK, want: "gbk|gb18030",
		family:  fields("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 欧阳 司马"),
		given:   fields("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 建国 志强 晓明 子轩 梓涵 欣怡 雨萱 思彤 佳琪 浩然 宇航 俊杰 婷婷 丹丹 倩 颖 瑶 琳 璐 雪梅 莉 燕 飞 鑫 淼 峰 辉 斌 亮 健 凯 鸿 毅 晶 莹 蕾 薇 慧 琴 婧 妍 嘉怡 诗涵 悦 宁 荣 祥 瑞 昊天 晓东 海波 春梅 秋菊 梦琪 璇 瑾 琼 珊 萌 娇 媛 蕊 芸 茜 妮 晴 岚 雯 馨 珍 凤 巧 彩霞 钰 昕 皓 睿 泽 铭 航 宏 帆 楠 栋 洁 红霞 玉兰 桂芳 立新 卫东 国强 淑华 金凤 堃 琮 翀"),
		minRate: 0.95, minRows: 3,
	},
	{
		label: "big5", enc: traditionalchinese.Big5, want: "big5",
		family:  fields("陳 林 黃 張 李 王 吳 劉 蔡 楊 許 鄭 謝 郭 洪 曾 邱 廖 賴 周 徐 蘇 葉 莊 呂 江 何 蕭 羅 高 潘 簡 朱 鍾 彭 游 詹 胡 施 沈 余 趙 盧 梁 顏 柯 孫 魏 翁 戴 范 宋 方 鄧 杜 傅 侯 曹 薛 丁 卓 阮 馬 董 溫 唐 藍 石 蔣 古 紀 姚 連 馮 歐 程 湯 田 康 姜 白 汪 鄒 尤 巫 鐘 黎 涂 龔 嚴 韓 袁 金 童 陸 夏 柳 歐陽"),
		given:   fields("怡君 淑芬 雅婷 家豪 志明 俊傑 欣怡 宗翰 冠宇 建宏 美玲 佳穎 雅惠 淑惠 志偉 俊宏 家瑋 承恩 詩涵 宜蓁 思妤 柏翰 品妍 子晴 宇軒 彥廷 佩珊 惠如 淑娟 麗華 秀英 玉蘭 美惠 素貞 慧玲 靜怡 嘉玲 婉婷 筱涵 心怡 雅雯 郁婷 信宏 文彬 國華 建志 明輝 政宏 智偉 凱文 偉倫 家銘 振宇 哲瑋 偉誠 宏達 冠廷 承翰 柏宇 子豪 宥廷 品睿 彥霖 沛晴 芷晴 亭妤 琬婷 鈺婷 筑涵 瑋庭 舒涵 昱廷 嘉豪 志豪 俊賢 秀蘭 麗娟 淑貞 金龍 永福 春嬌 寶珠 碧霞 鳳英 瓊瑤 偉 強 傑 豪 輝 龍 鵬 濤 靜 麗 華 婷 娟 瑩 蕙 璟 甯"),
		minRate: 0.95, minRows: 3,
	},
	{
		label: "shift_jis", enc: japanese.ShiftJIS, want: "shift_jis", sep: " ",
		family:  fields("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 安藤 宮本 大野 小島 工藤 谷口 今井 高田 丸山 増田 杉山 村田 大塚 菅原 小山 平野 新井 千葉 久保 松井 岩崎 桜井 野口 木下 野村 菊地 佐野 大西 杉本 市川 ヤマダ スズキ タナカ ｻﾄｳ ｽｽﾞｷ ﾀﾅｶ ﾔﾏﾀﾞ"),
		given:   fields("太郎 花子 一郎 健太 翔太 大輝 拓也 陽菜 美咲 さくら 結衣 由美子 裕子 恵子 直樹 隆 浩 修 大輔 達也 悠斗 蓮 葵 陽翔 結菜 明美 智子 幸子 和彦 博之 秀樹 正雄 俊介 亮 誠 洋平 康弘 敏行 昭 信夫 光 春香 夏美 千尋 涼 瞳 舞 桃子 優子 彩 香織 菜々子 沙織 咲希 未来 翼 颯太 あかり ひなた ゆい みゆき まさし たかし ヒロシ ケンジ ユミ ﾀﾛｳ ﾊﾅｺ ｹﾝｼﾞ ﾕﾐ ﾋﾛｼ ﾐﾕｷ"),
		minRate: 0.95, minRows: 1,
	},
	{
		label: "cp949", enc: korean.EUCKR, want: "cp949",
		family:  fields("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 전 홍 고 문 양 손 배 백 허 유 남 심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 황보 남궁 선우 제갈"),
		given:   fields("민준 서연 지우 하은 도윤 서윤 시우 지민 주원 하윤 지호 수아 준서 지유 건우 채원 현우 예은 우진 수빈 선우 다은 연우 예린 민재 소율 현준 지아 정우 윤서 승현 유진 지훈 민서 동현 수민 영수 영희 철수 순자 미경 정희 상철 경숙 성민 은정 혜진 진영 태양 슬기 보람 아름 나래 한결 가람 빛나 별 솔 민규 재원 태현 승민 은지 지현 소영 미영 현정"),
		minRate: 0.95, minRows: 3,
	},
	{
		label: "windows-1250 cs", enc: charmap.Windows1250, want: "windows-1250", sep: " ", westOrder: true,
		family:  fields("Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec Marek Pospíšil Pokorný Hájek Král Jelínek Růžička Beneš Fiala Sedláček Doležal Zeman Kolář Navrátil Čermák Vaněk Urban Blažek Kříž Kovář Bartoš Vlček Polák Musil Kopecký Šimek Konečný Malý Holub Čech Štěpánek Staněk Kadlec Dostál Soukup Šťastný Mareš Moravec Sýkora Tichý Valenta Vávra Matoušek Říha Bláha Šebesta Bureš Ševčík Žák Hrubý Mašek Kašpar Pavlík Janda Hruška Fišer Havlíček Zelenka Lukáš Hanák Hořejší Kubíček Kratochvíl Nováková Svobodová Dvořáková Černá Procházková Kučerová Horáková Němcová Pokorná Králová Růžičková Benešová Kolářová Šimková Žáková"),
		given:   fields("Jiří Jan Petr Josef Pavel Martin Tomáš Jaroslav Miroslav Zdeněk Václav Michal František Karel Milan Vojtěch Lukáš David Ondřej Jakub Radek Marek Luboš Stanislav Vladimír Ladislav Aleš Matěj Štěpán Dušan Bořivoj Přemysl Marie Jana Eva Hana Anna Lenka Kateřina Věra Lucie Alena Petra Veronika Jaroslava Tereza Martina Michaela Jitka Helena Ludmila Zdeňka Ivana Monika Markéta Barbora Zuzana Šárka Žaneta Dagmar Božena Růžena Jiřina Kristýna Nikola Adéla"),
		minRate: 0.97, minRows: 1,
	},
	{
		label: "windows-1252 de/fr/es", enc: charmap.Windows1252, want: "windows-1252", sep: " ", westOrder: true,
		family:  fields("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler Maier Köster Jäger Günther Böhm Groß Weiß Fuß Strauß Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia Fontaine Rousseau Vincent Müller Lefebvre Mercier Boyer Girard André Chevalier François Gérard Hébert Noël Bréchet Côté Pâris García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Suárez Molina Castro Ortega Rubio Núñez Ibáñez Peña"),
		given:   fields("Jürgen Günter Uwe Jörg Björn Sören Hans Klaus Stefan Thomas Michael Andreas Peter Frank Bärbel Käthe Jürgen Ursula Monika Sabine Petra Renate Brigitte Anke Jörn Lütfiye Zoë René Noël Hélène Élodie Jérôme François Françoise Cécile Amélie Céline Gaël Anaïs Loïc Joël Benoît Clément Léa Chloé Inès Maëlle Théo Raphaël Mathéo Hugo Louis Marie Julien Nicolas Sébastien José María Jesús Ángel Ramón Andrés Joaquín Martín Begoña Inés Mónica Verónica Ana Carmen Lucía Sofía Pilar Nuria Iñaki Íñigo Núria Germán Adrián Álvaro Rubén Óscar Víctor Raúl"),
		minRate: 0.97, minRows: 1,
	},
	{
		label: "iso-8859-2 cs/pl/sk", enc: charmap.ISO8859_2, want: "iso-8859-2", sep: " ", westOrder: true,
		family:  fields("Šimek Škoda Šťastný Žák Šebesta Ševčík Kříž Dvořák Novák Černý Šindelář Ženíšek Šustr Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski Jaworski Wróbel Malinowski Pawlak Witkowski Walczak Stępień Górski Rutkowski Michalak Sikora Ostrowski Baran Duda Szewczyk Tomaszewski Pietrzak Marciniak Wróblewski Zalewski Jakubowski Jasiński Zawadzki Sadowski Bąk Chmielewski Włodarczyk Borkowski Czarnecki Sawicki Sokołowski Urbański Kubiak Maciejewski Szczepański Kucharski Wilk Kalinowski Lis Mazurek Wysocki Adamski Kaźmierczak Wasilewski Sobczak Czerwiński Andrzejewski Cieślak Głowacki Zakrzewski Kołodziej Sikorski Krajewski Gajewski Szymczak Szulc Baranowski Laskowski Brzeziński Makowski Ziółkowski Przybylski Horváth Ľupták Ďurica Šťastná Žilinská Ľubomír"),
		given:   fields("Šimon Šárka Žaneta Štěpán Jiří Ľubomír Ľudmila Ďurko Łukasz Paweł Michał Krzysztof Piotr Tomasz Andrzej Wojciech Marcin Jakub Stanisław Jarosław Grzegorz Mateusz Przemysław Zbigniew Józef Małgorzata Agnieszka Katarzyna Anna Magdalena Joanna Barbara Ewa Elżbieta Zofia Jadwiga Bożena Grażyna Teresa Danuta Halina Urszula Beata Dorota Jolanta Ryszard Tadeusz Bogusław Zdzisław Mieczysław Kazimierz Władysław Radosław Wiesław Maciej Błażej Dominika Weronika Żaneta Ewelina Ilona Ľubica Štefan Peter Marián Zuzana Martina"),
		minRate: 0.9, minRows: 1,
	},
}

// detectOutcome runs detection on b, written from text, and reports
// "ok" when the detected encoding reads text back unchanged, "refused"
// when detection gives up with bad_encoding, and "wrong" otherwise.
func detectOutcome(b []byte, text string) (string, string) {
	e, _, ferr := sniffEncoding(b, false)
	if ferr != nil {
		if ferr.Code == CodeBadEncoding {
			m := ferr.Message
			if i := strings.Index(m, "; "); i > 0 {
				m = m[strings.Index(m, "text in ")+8 : i]
			}
			return "refused", m
		}
		return "wrong", ferr.Code
	}
	got := string(b)
	if e.enc != nil {
		d, err := e.enc.NewDecoder().Bytes(b)
		if err != nil {
			return "wrong", e.name
		}
		got = string(d)
	}
	if got != text {
		return "wrong", e.name
	}
	return "ok", e.name
}

// TestDetectSmallNameFiles writes many small contact files of random
// names in each legacy encoding and checks that detection reads each back
// unchanged or refuses to guess — never garbles it — and that it does not
// refuse too often. "Detected" means read back unchanged: German read as
// windows-1250 counts, being the same text. With ROSTER_DETECT_REPORT set
// it only reports (go test -run SmallName -v), to measure a change.
func TestDetectSmallNameFiles(t *testing.T) {
	sizes := []int{1, 2, 3, 5, 10, 20}
	const files = 200
	report := os.Getenv("ROSTER_DETECT_REPORT") != ""
	var table strings.Builder
	fmt.Fprintf(&table, "%-24s", "encoding \\ rows")
	for _, n := range sizes {
		fmt.Fprintf(&table, " %14d", n)
	}
	table.WriteString("   (detected/refused/wrong of 200)\n")
	for si, src := range nameSources {
		rng := rand.New(rand.NewPCG(42, uint64(si)))
		fmt.Fprintf(&table, "%-24s", src.label)
		for _, rows := range sizes {
			var ok, refused, wrong int
			wrongAs := map[string]int{}
			refusedAs := map[string]int{}
			for f := 0; f < files; f++ {
				var sb strings.Builder
				sb.WriteString("Name,Email\r\n")
				for r := 0; r < rows; r++ {
					fam := src.family[rng.IntN(len(src.family))]
					giv := src.given[rng.IntN(len(src.given))]
					name := fam + src.sep + giv
					if src.westOrder {
						name = giv + src.sep + fam
					}
					fmt.Fprintf(&sb, "%s,u%d@example.com\r\n", name, r)
				}
				text := sb.String()
				b, err := src.enc.NewEncoder().Bytes([]byte(text))
				if err != nil {
					t.Fatalf("%s: cannot encode %q: %v", src.label, text, err)
				}
				// The same names in UTF-8 are UTF-8.
				if outcome, got := detectOutcome([]byte(text), text); outcome != "ok" && !report {
					t.Errorf("%s in UTF-8, %d rows: %s as %s:\n%s", src.label, rows, outcome, got, text)
				}
				outcome, got := detectOutcome(b, text)
				switch outcome {
				case "ok":
					ok++
				case "refused":
					refused++
					refusedAs[got]++
				default:
					wrong++
					wrongAs[got]++
					if !report {
						t.Errorf("%s, %d rows: read as %s:\n%s", src.label, rows, got, text)
					}
				}
			}
			fmt.Fprintf(&table, " %4d/%4d/%4d", ok, refused, wrong)
			if report && len(refusedAs) > 0 && rows <= 5 {
				t.Logf("%s %d rows: refused as %v", src.label, rows, refusedAs)
			}
			if report && len(wrongAs) > 0 {
				t.Logf("%s %d rows: wrong as %v", src.label, rows, wrongAs)
			}
			if !report && rows >= src.minRows && float64(ok) < src.minRate*files {
				t.Errorf("%s, %d rows: only %d of %d files detected", src.label, rows, ok, files)
			}
		}
		table.WriteString("\n")
	}
	t.Log("\n" + table.String())
}
