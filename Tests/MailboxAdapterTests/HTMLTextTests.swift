import Testing
@testable import MailboxAdapter

struct HTMLTextTests {
    private func text(_ html: String) -> String { HTMLText.plainText(fromHTML: html) }

    @Test("script, style, title and comments are dropped")
    func droppedContent() {
        let html = """
            <html><head><title>标题</title><style>p { color: red; }</style>
            <script>if (a < b && c > d) { document.write("</p>"); }</script></head>
            <body><!-- 注释 <p>不要</p> -->正文</body></html>
            """
        #expect(text(html) == "正文")
    }

    @Test("br, p, div, li and tr become line breaks; cells are separated by a space")
    func lineBreaks() {
        #expect(text("第一行<br>第二行<BR/>第三行") == "第一行\n第二行\n第三行")
        #expect(text("<p>甲</p><p>乙</p><div>丙</div><div>丁</div>") == "甲\n乙\n丙\n丁")
        #expect(text("<ul><li>一</li><li>二</li></ul>") == "一\n二")
        #expect(text("<table><tr><td>姓名</td><td>张三</td></tr><tr><td>电话</td><td>138</td></tr></table>")
            == "姓名 张三\n电话 138")
    }

    @Test("numeric and named character references, including &nbsp;")
    func entities() {
        #expect(text("&#x4e2d;&#X6587;&#25991;") == "中文文")
        #expect(text("a&nbsp;&nbsp;b") == "a  b")
        #expect(text("a&nbsp; b") == "a  b")  // as a browser shows it
        #expect(text("&lt;附件&gt; &amp; &quot;x&quot; &copy; &hellip;") == "<附件> & \"x\" © …")
        #expect(text("&nbsp没有分号 &amp没有") == " 没有分号 &没有")
        #expect(text("&unknown; & &#; &#xZZ;") == "&unknown; & &#; &#xZZ;")
        #expect(text("&#0;&#xD800;&#x110000;") == "\u{FFFD}\u{FFFD}\u{FFFD}")
    }

    @Test("white space collapses outside <pre> and is kept inside it")
    func whiteSpace() {
        #expect(text("  多个   空格\n\n 换行  ") == "多个 空格 换行")
        #expect(text("<pre>a  b\n  c</pre>后") == "a  b\n  c\n后")
    }

    @Test("a literal '<', quoted '>' in attributes and upper-case tags are handled")
    func markupEdgeCases() {
        #expect(text("1 < 2 <<民法典>>") == "1 < 2 <<民法典>>")
        #expect(text("<A HREF=\"x?a>b\" title='>'>链接</A>") == "链接")
        #expect(text("<DIV>甲</DIV><P>乙</P>") == "甲\n乙")
    }

    @Test("runs of blank lines collapse and trailing blanks are trimmed")
    func tidy() {
        #expect(text("<div>甲 </div><br><br><br><br><div>乙</div>") == "甲\n\n乙")
    }

    @Test("unterminated constructs run to the end instead of failing")
    func unterminated() {
        #expect(text("甲<!-- 没有结束") == "甲")
        #expect(text("甲<script>var a = 1;") == "甲")
        #expect(text("甲<div class=\"x") == "甲")
        #expect(text("甲&") == "甲&")
    }
}
