"""Deterministic benchmark corpus: N years x activities per month x communities.

`write_corpus(spec, dest)` writes, from the same text,
- one kepu site per community (mkdocs.yml, overrides/, the hand-written part
  of docs/ and bulletins/ with monthly issues and activities), copied from the
  project so the theme and every registered generator are exercised as-is;
- one Material blog-plugin site per community: one post per issue and per
  activity, topics as categories, monthly archive, a `<!-- more -->`
  separator after the first paragraph (the documented way to keep listings
  short; without it every listing repeats whole posts).

Same seed, same bytes: sizes measured on the corpus are deterministic.
"""
from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from kepu.core.writer import is_generated_path

PROJECT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 29)

COMMUNITIES = ["桂园社区", "枫林社区", "清河社区", "松涛社区", "南湖社区", "杏坛社区", "朝阳社区", "滨江社区"]
EDITORS = ["张丽", "王建国", "陈晓东", "李秀英", "刘洋", "赵敏", "周志强", "吴静"]
PLACES = ["社区党群服务中心二楼活动室", "新时代文明实践站多功能室", "中心广场", "社区卫生服务中心", "7号楼前空地",
          "社区图书室", "老年活动中心", "社区学校教室"]
PARTNERS = ["区科协", "社区卫生服务中心", "区消防救援大队", "辖区派出所", "区红十字会", "区应急管理局", "区生态环境局",
            "市科技馆", "辖区小学"]
SLUG_WORDS = ["health", "fire", "drill", "lecture", "class", "fair", "talk", "science", "safety", "green", "fraud",
              "phone", "youth", "camp", "walk", "clinic", "quiz", "show", "day", "workshop"]

# Title fragments and sentences per topic id (topic ids of the project's topics.yml).
TOPIC_TITLES = {
    "health": ["流感疫苗要趁早", "合理用药五要点", "科学洗手防病毒", "夏季肠道病预防", "心理健康自我调节", "秋冬季节防感冒"],
    "safety": ["家里着火先逃生", "燃气泄漏怎么办", "电动车不进楼道", "冬季取暖用电安全", "厨房防火小常识", "高层住宅逃生要点"],
    "environment": ["垃圾分类四分法", "节约用水从我做起", "旧衣物怎么回收", "低碳出行每一天", "厨余垃圾变肥料", "塑料袋少用一点"],
    "disaster": ["地震来了怎么躲", "暴雨天气出行提醒", "台风前的家庭准备", "应急包里放什么", "洪涝避险常识", "雷电天气防护"],
    "science-life": ["隔夜菜能不能吃", "破除养生谣言", "食品标签怎么看", "微波炉的科学原理", "冬季饮食营养搭配", "盐和血压的关系"],
    "anti-fraud": ["养老诈骗新套路", "冒充客服要警惕", "刷单返利是骗局", "保健品虚假宣传", "网络投资理财陷阱", "个人信息要保护"],
    "youth": ["动手做个小火箭", "冰和盐的小实验", "认识身边的植物", "天文观测入门", "编程小课堂", "水的三种状态"],
    "elderly": ["老人防跌倒指南", "高血压日常管理", "认知症早发现", "老年人营养餐", "骨质疏松怎么防", "糖尿病饮食要点"],
    "digital": ["智能手机挂号", "手机支付安全设置", "网上办事一点通", "识别网络谣言", "视频通话教学", "健康码和电子社保卡"],
}
SENTENCES = {
    "health": ["接种流感疫苗是预防流感最有效的手段，老人、儿童和慢性病患者每年都应按时接种。",
               "勤洗手、戴口罩、常通风，是预防呼吸道传染病的三件法宝。",
               "出现发热、咳嗽等症状时，应尽量居家休息，必要时到社区卫生服务中心就诊。",
               "抗生素不能预防感冒，也不能随意停药，要严格按照医嘱使用。",
               "保持规律作息和适量运动，能提高身体抵抗力。"],
    "safety": ["发现火情，首先要判断火势，火势蔓延时要立即逃生并拨打119。",
               "燃气用完要随手关阀，出门前检查灶具，长期不用要关闭总阀。",
               "电动自行车不要进楼入户，更不要在楼道里充电。",
               "家里建议备一具小型干粉灭火器，放在容易拿到的地方。",
               "楼道和安全出口不能堆放杂物，这是生命通道。"],
    "environment": ["厨余垃圾要沥干水分后再投放，塑料袋要单独扔进其他垃圾桶。",
                    "废旧电池、过期药品和废灯管属于有害垃圾，要投放到红色桶里。",
                    "一水多用，洗菜水可以用来浇花冲厕所。",
                    "外出购物自带布袋，能减少塑料袋的使用。",
                    "可回收物要保持干净干燥，纸箱压扁后再投放。"],
    "disaster": ["地震发生时，在室内要就近躲在坚固的桌子下，用手护住头部。",
                 "暴雨天气尽量不要外出，不要在地下通道和低洼处停留。",
                 "家庭应急包里要准备饮用水、食品、手电筒、常用药品和重要证件复印件。",
                 "听到防空警报时，要按照社区指引有序疏散到避难场所。",
                 "雷雨天气不要在大树下避雨，要远离电线杆和高压线。"],
    "science-life": ["剩菜要及时放进冰箱冷藏，再次食用前要彻底加热。",
                     "网上流传的很多养生说法没有科学依据，要学会查证来源。",
                     "每人每天食盐摄入量不宜超过5克，酱油和咸菜里也有盐。",
                     "看食品标签时，要留意配料表排在前面的成分和营养成分表。",
                     "微波炉加热时不能使用金属容器，鸡蛋也不要整只加热。"],
    "anti-fraud": ["凡是要求转账到所谓安全账户的，都是诈骗。",
                   "免费体检、免费旅游之后推销高价保健品，是养老诈骗的常见套路。",
                   "接到自称客服要求退款理赔的电话，要通过官方渠道核实。",
                   "不要把验证码告诉任何人，包括自称银行工作人员的人。",
                   "遇到可疑情况，请拨打96110反诈专线咨询。"],
    "youth": ["同学们把盐撒在冰块上，发现冰融化得更快了，这就是凝固点降低的原理。",
              "用塑料瓶和气筒就能做一枚水火箭，装水的多少会影响飞行高度。",
              "通过放大镜观察树叶，可以看到清晰的叶脉和气孔。",
              "孩子们分组动手搭建电路，小灯泡亮起的时候大家都欢呼起来。",
              "老师鼓励孩子们多问为什么，把观察到的现象记录在实验本上。"],
    "elderly": ["老人起床时要做到三个半分钟，醒来躺半分钟，坐起半分钟，双腿下垂半分钟。",
                "家里的卫生间和浴室要铺防滑垫，安装扶手。",
                "高血压患者要每天定时测量血压，按时服药，不能自行停药。",
                "多吃奶制品、豆制品，适当晒太阳，有助于预防骨质疏松。",
                "记忆力明显减退、经常迷路时，要及时到医院检查。"],
    "digital": ["打开手机里的挂号小程序，选择科室和医生，就能提前预约。",
                "手机支付要设置支付密码，不要随便扫描来历不明的二维码。",
                "遇到不会操作的地方，可以到社区服务中心找志愿者帮忙。",
                "视频通话时，点一下屏幕就能切换前后摄像头。",
                "网上看到的消息要多方核实，不信谣、不传谣。"],
}
GENERAL = ["社区居委会提醒广大居民朋友注意以下几点。", "这些知识看似简单，关键时刻却能派上大用场。",
           "欢迎居民朋友把这些知识转告给家里的老人和孩子。", "有问题可以随时到社区服务中心咨询。",
           "现场居民纷纷表示收获很大，希望以后多举办这样的活动。", "志愿者们耐心地为大家一一讲解。",
           "活动结束后，不少居民还围着老师继续提问。", "社区将根据大家的需要，继续安排相关内容。"]
PEOPLE = ["王阿姨", "李大爷", "社区医生小周", "志愿者小陈", "楼长老赵", "居民刘女士", "初二学生小林", "民警张警官",
          "消防员小马", "科协的郑老师", "退休教师孙老师", "网格员小吴"]
ROLES = ["工作人员", "志愿者", "医生", "老师", "讲解员", "负责人"]
TEMPLATES = ["{s}", "{s}", "{s}", "{p}说：“{s}”", "{place}的{role}介绍，{s}", "{s}{p}听完后连连点头。",
             "据统计，今年以来社区已开展{n}场相关活动，累计{m}人次参加。", "{p}在{month}月的活动上提出了一个问题：{t}应该怎么做？",
             "第{n}小组的{p}分享了自己的经验。", "{s}这一点在{year}年的居民调查中被{n}%的受访者提到。"]
ACT_KINDS = ["讲座", "培训", "演练", "科普课堂", "咨询活动", "体验营", "知识竞赛", "宣传日活动"]


@dataclass(frozen=True)
class CorpusSpec:
    years: int = 10
    acts_per_month: int = 5
    communities: int = 1
    seed: int = 20261129
    photos: bool = False
    upcoming: int = 2  # activities after TODAY, per community
    blog: bool = True
    blog_more: bool = True  # `<!-- more -->` after the first paragraph of each post


@dataclass
class Community:
    name: str
    kepu: Path  # kepu site root
    blog: Path | None  # blog-plugin site root
    issues: int = 0
    activities: int = 0
    chars: int = 0


def months(spec: CorpusSpec) -> list[tuple[int, int]]:
    """The spec.years*12 months ending with TODAY's month."""
    out = []
    y, m = TODAY.year, TODAY.month
    for _ in range(spec.years * 12):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _text(rng: random.Random, topic: str, lo: int, hi: int) -> list[str]:
    """Paragraphs of lo..hi Chinese characters about a topic."""
    target = rng.randint(lo, hi)
    paras, para, total = [], "", 0
    pool = SENTENCES[topic] * 2 + GENERAL
    while total < target:
        s = rng.choice(TEMPLATES).format(
            s=rng.choice(pool), p=rng.choice(PEOPLE), place=rng.choice(PLACES), role=rng.choice(ROLES),
            n=rng.randint(2, 98), m=rng.randint(100, 3000), month=rng.randint(1, 12), year=rng.randint(2016, 2026),
            t=rng.choice(TOPIC_TITLES[topic]))
        para += s
        total += len(s)
        if len(para) > rng.randint(80, 220):
            paras.append(para)
            para = ""
    if para:
        paras.append(para)
    return paras


def _issue(rng: random.Random, y: int, m: int, topic_names: dict[str, str]) -> tuple[str, str, list]:
    panels = []
    for _ in range(rng.randint(3, 5)):
        tid = rng.choice(list(TOPIC_TITLES))
        panels.append((tid, rng.choice(TOPIC_TITLES[tid]), _text(rng, tid, 200, 800)))
    title = f"{panels[0][1]}：{m}月科普橱窗"
    summary = "本期介绍" + "、".join(p[1] for p in panels[:3]) + "。"
    intro = "".join(rng.choice(GENERAL) for _ in range(rng.randint(2, 4)))
    return title, summary, [intro, panels]


def _photo(path: Path, rng: random.Random) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = 1600, 1200
    c1 = tuple(rng.randrange(256) for _ in range(3))
    img = Image.new("RGB", (w, h), c1)
    px = img.load()
    for x in range(0, w, 8):
        for yy in range(0, h, 8):
            px[x, yy] = ((x * 7) % 256, (yy * 5) % 256, (x + yy) % 256)
    img.save(path, "JPEG", quality=85)


def write_corpus(spec: CorpusSpec, dest: Path) -> list[Community]:
    dest.mkdir(parents=True, exist_ok=True)
    topics_yml = PROJECT / "bulletins" / "topics.yml"
    topic_names = {t["id"]: t["name"] for t in yaml.safe_load(topics_yml.read_text(encoding="utf-8"))}
    missing = set(TOPIC_TITLES) - set(topic_names)
    if missing:
        raise RuntimeError(f"topics.yml no longer has {sorted(missing)}; update kepu.bench.corpus")
    out = []
    for c in range(spec.communities):
        name = COMMUNITIES[c % len(COMMUNITIES)] + (str(c // len(COMMUNITIES) + 1) if c >= len(COMMUNITIES) else "")
        base = dest / f"c{c + 1}"
        community = Community(name, base / "kepu", (base / "blog") if spec.blog else None)
        _write_community(spec, community, random.Random(f"{spec.seed}-{c}"), topics_yml, topic_names)
        out.append(community)
    return out


def _write_community(spec: CorpusSpec, com: Community, rng: random.Random, topics_yml: Path,
                     topic_names: dict[str, str]) -> None:
    site = com.kepu
    _copy_project_shell(site, com.name, months(spec)[0])
    bulletins = site / "bulletins"
    shutil.copy(topics_yml, bulletins / "topics.yml")
    posts = []  # (date, file stem, title, categories, markdown body) for the blog
    all_months = months(spec)
    for y, m in all_months:
        title, summary, (intro, panels) = _issue(rng, y, m, topic_names)
        editors = rng.sample(EDITORS, rng.randint(1, 3))
        lines = ["---", f"title: {title}", f"editors: [{', '.join(editors)}]", f"summary: {summary}"]
        body = [intro, ""]
        if spec.photos:
            rel = f"images/{y}-{m:02d}-cover.jpg"
            _photo(bulletins / str(y) / rel, rng)
            lines.append(f"cover: {rel}")
        lines.append("---")
        blog_body = [summary, "", "<!-- more -->", "", intro, ""]
        for tid, ptitle, paras in panels:
            body += [f"## 【{topic_names[tid]}】{ptitle}", "", *sum(([p, ""] for p in paras), [])]
            blog_body += [f"## {ptitle}", "", *sum(([p, ""] for p in paras), [])]
            com.chars += sum(len(p) for p in paras)
        _write(bulletins / str(y) / f"{y}-{m:02d}.md", "\n".join(lines + body))
        cats = list(dict.fromkeys(topic_names[t] for t, _, _ in panels))
        posts.append((date(y, m, 1), f"{y}-{m:02d}", title, cats, "\n".join(blog_body)))
        com.issues += 1
        # activities of this month (none after TODAY except the announced ones below)
        days = sorted(rng.sample(range(1, 29), spec.acts_per_month))
        for i, d in enumerate(days):
            when = date(y, m, d)
            if when >= TODAY:
                continue
            posts.append(_activity(rng, bulletins, when, f"{rng.choice(SLUG_WORDS)}-{rng.choice(SLUG_WORDS)}-{i + 1}",
                                   topic_names, spec, com, upcoming=False))
    for i in range(spec.upcoming):
        when = TODAY + timedelta(days=6 + 14 * i)
        posts.append(_activity(rng, bulletins, when, f"winter-{rng.choice(SLUG_WORDS)}-{i + 1}", topic_names, spec, com,
                               upcoming=True))
    if com.blog:
        _write_blog(com, posts, spec.blog_more)


def _activity(rng, bulletins: Path, when: date, slug: str, topic_names, spec, com: Community, *, upcoming: bool):
    tids = rng.sample(list(TOPIC_TITLES), rng.choice([1, 1, 2, 2, 3]))
    title = f"{rng.choice(TOPIC_TITLES[tids[0]])}{rng.choice(ACT_KINDS)}" + ("（预告）" if upcoming else "")
    start = rng.choice([9, 10, 14, 15, 19])
    lines = ["---", f"title: {title}", f"location: {rng.choice(PLACES)}",
             f"topics: [{', '.join(topic_names[t] for t in tids)}]", f'time: "{start:02d}:00-{start + 1:02d}:30"',
             f"organizer: {com.name}居委会", f"partners: [{', '.join(rng.sample(PARTNERS, rng.randint(1, 2)))}]"]
    if not upcoming:
        lines.append(f"participants: {rng.randint(15, 200)}")
    paras = _text(rng, tids[0], 80, 200) if upcoming else _text(rng, tids[0], 300, 1500)
    body = []
    for n, p in enumerate(paras):
        if n and n % 3 == 0:
            body += [f"### {rng.choice(TOPIC_TITLES[rng.choice(tids)])}", ""]
        body += [p, ""]
    if spec.photos and not upcoming:
        rel = f"images/{when.isoformat()}-{slug}.jpg"
        _photo(bulletins / str(when.year) / rel, rng)
        body += [f"![活动现场]({rel})", ""]
    lines.append("---")
    _write(bulletins / str(when.year) / f"{when.isoformat()}-{slug}.md", "\n".join(lines + body))
    com.activities += 1
    com.chars += sum(len(p) for p in paras)
    info = f"{when.year}年{when.month}月{when.day}日 {start:02d}:00，{lines[2].split(': ', 1)[1]}。"
    blog_body = "\n".join([info, "", "<!-- more -->", "", *body])
    return when, f"{when.isoformat()}-{slug}", title, [topic_names[t] for t in tids], blog_body


def _copy_project_shell(site: Path, name: str, first: tuple[int, int]) -> None:
    """mkdocs.yml, overrides/ and the hand-written part of docs/ from the project."""
    site.mkdir(parents=True, exist_ok=True)
    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("桂园社区", name)
    text = "\n".join(f"  first_issue: {first[0]}-{first[1]:02d}" if line.startswith("  first_issue:") else line
                     for line in text.splitlines()) + "\n"
    (site / "mkdocs.yml").write_text(text, encoding="utf-8")
    if (PROJECT / "overrides").is_dir():
        shutil.copytree(PROJECT / "overrides", site / "overrides", dirs_exist_ok=True)
    docs = PROJECT / "docs"
    for path in docs.rglob("*"):
        rel = path.relative_to(docs).as_posix()
        if path.is_file() and not is_generated_path(rel) and not rel.startswith(".") and not path.name.endswith(".tmp"):
            target = site / "docs" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".md":
                # the project's own pages (guide, this performance note) are not corpus content: stubs keep
                # the nav working while both sites index only the same text
                title = next((ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("# ")), "# 页面")
                target.write_text(f"{title}\n\n（测试语料中省略。）\n", encoding="utf-8")
            else:
                shutil.copy2(path, target)
    (site / "bulletins").mkdir(exist_ok=True)


BLOG_YML = """\
site_name: {name}科普橱窗
site_url: https://example.org/{slug}/
docs_dir: docs
site_dir: site
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
  features:
    - navigation.tabs
    - navigation.top
    - navigation.footer
    - search.highlight
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
  - tables
  - toc:
      permalink: false
plugins:
  - search:
      separator: '[\\s\\u200b\\u3000\\-、。，．？！；：]+'
  - blog:
      blog_dir: blog
      post_url_format: "{{date}}/{{file}}"
      post_url_date_format: yyyy/MM
      post_date_format: long
      archive_date_format: yyyy年M月
      archive_url_date_format: yyyy/MM
      categories_allowed: {categories}
"""


def _write_blog(com: Community, posts, more: bool = True) -> None:
    root = com.blog
    cats = sorted({c for p in posts for c in p[3]})
    slug = root.parent.name
    (root / "docs" / "blog" / "posts").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(BLOG_YML.format(name=com.name, slug=slug, categories="[" + ", ".join(cats) + "]"),
                                     encoding="utf-8")
    _write(root / "docs" / "index.md", f"# {com.name}科普橱窗\n\n每月一期科普展板，和身边的科普活动。见[科普橱窗](blog/index.md)。\n")
    _write(root / "docs" / "blog" / "index.md", "# 科普橱窗\n")
    for when, stem, title, categories, body in posts:
        fm = ["---", f"date: {when.isoformat()}", "categories:", *[f"  - {c}" for c in categories], "---", ""]
        if not more:
            body = body.replace("<!-- more -->\n\n", "", 1)
        _write(root / "docs" / "blog" / "posts" / str(when.year) / f"{stem}.md",
               "\n".join(fm) + f"# {title}\n\n{body}")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8", newline="\n")
