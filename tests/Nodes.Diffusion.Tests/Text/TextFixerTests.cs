using System.Text;
using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Text.Ftfy;

namespace Workflow.Nodes.Diffusion.Tests.Text;

/// <summary>
/// Our port of ftfy.fix_text against ftfy's own test cases (Text/Data/ftfy-cases.json: mojibake found in the wild,
/// synthetic edge cases and negatives that must stay as they are) and the examples its documentation gives.
/// </summary>
public sealed class TextFixerTests
{
    private static readonly Lazy<JsonArray> Cases = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Text", "Data", "ftfy-cases.json")))!["cases"]!.AsArray());

    public static TheoryData<string> Labels => [.. Cases.Value.Select(c => (string)c!["label"]!)];

    [Theory]
    [MemberData(nameof(Labels))]
    public void Fix_text_gives_what_ftfy_gives(string label)
    {
        var test = Case(label);
        Assert.Equal((string)test["fixed"]!, TextFixer.FixText((string)test["original"]!));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Fix_encoding_alone_gives_what_ftfy_gives(string label)
    {
        var test = Case(label);
        Assert.Equal((string)(test["fixed-encoding"] ?? test["fixed"])!, MojibakeRepair.FixEncoding((string)test["original"]!));
    }

    /// <summary>As ftfy's suite checks: one more layer of UTF-8 read as Latin-1 is undone as well.</summary>
    [Theory]
    [MemberData(nameof(Labels))]
    public void One_more_layer_of_mojibake_is_undone_too(string label)
    {
        var test = Case(label);
        var extraBad = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes((string)test["original"]!));
        Assert.Equal((string)test["fixed"]!, TextFixer.FixText(extraBad));
    }

    [Theory]
    // ftfy 6.3's docstrings (ftfy/__init__.py, ftfy/fixes.py).
    [InlineData("\u00e2\u0153\u201d No problems", "\u2714 No problems")]
    [InlineData("&macr;\\_(\u00e3\u0083\u0084)_/&macr;", "\u00af\\_(\u30c4)_/\u00af")]
    [InlineData("\uff2c\uff2f\uff35\uff24\u3000\uff2e\uff2f\uff29\uff33\uff25\uff33", "LOUD NOISES")]
    [InlineData("&lt;tag&gt;", "<tag>")]
    [InlineData("&Jscr;ohn &HilbertSpace;ancock", "\U0001D4A5ohn \u210Bancock")]
    [InlineData("&checkmark;", "\u2713")]
    [InlineData("P&eacute;rez", "P\u00e9rez")]
    [InlineData("P&EACUTE;REZ", "P\u00c9REZ")]
    [InlineData("BUNDESSTRA&SZLIG;E", "BUNDESSTRASSE")]
    [InlineData("&ntilde; &Ntilde; &NTILDE; &nTILDE;", "\u00f1 \u00d1 \u00d1 &nTILDE;")]
    [InlineData("this&not that", "this&not that")]
    [InlineData("\u001b[36;44mI'm blue, da ba dee da ba doo...\u001b[0m", "I'm blue, da ba dee da ba doo...")]
    [InlineData("\u201chere\u2019s a test\u201d", "\"here's a test\"")]
    [InlineData("\ufb02u\ufb03e\ufb06", "fluffiest")]
    [InlineData("\uff35\uff80\uff70\uff9d", "U\u30bf\u30fc\u30f3")]
    [InlineData("This string is made of two things:\u20291. Unicode\u20282. Spite", "This string is made of two things:\n1. Unicode\n2. Spite")]
    [InlineData("Content-type: text/plain\r\n\r\nHi.", "Content-type: text/plain\n\nHi.")]
    [InlineData("This is how Microsoft \r trolls Mac users", "This is how Microsoft \n trolls Mac users")]
    [InlineData("What is this \u0085 I don't even", "What is this \u2026 I don't even")]
    [InlineData("\ufeffWhere do you want to go today?", "Where do you want to go today?")]
    [InlineData("s\u00c3\u00b3", "s\u00f3")]
    [InlineData("voil\u00c3 le travail", "voil\u00e0 le travail")]
    [InlineData("sch\u00c3\u00b6n", "sch\u00f6n")]
    [InlineData("cafe\u0301", "caf\u00e9")]
    // Upper-case entities decode to "Ã³", itself mojibake of "ó" (fix_encoding alone leaves the entities, below).
    [InlineData("&ATILDE;&SUP3;", "\u00f3")]
    public void Documented_examples_hold(string input, string expected) => Assert.Equal(expected, TextFixer.FixText(input));

    [Theory]
    [InlineData("\u00c3\u00b3", "\u00f3")]
    [InlineData("&ATILDE;&SUP3;", "&ATILDE;&SUP3;")]
    public void Fix_encoding_documented_examples_hold(string input, string expected) => Assert.Equal(expected, MojibakeRepair.FixEncoding(input));

    [Fact]
    public void Lone_surrogates_become_replacement_characters()
    {
        var (high, low) = ((char)0xD83D, (char)0xDCA9);
        Assert.Equal("\U0001F4A9", TextFixer.FixText(new string([high, low])));
        Assert.Equal("\ufffd\ufffd", TextFixer.FixText(new string([low, high])));
    }

    [Theory]
    // html.unescape's numeric references: Windows-1252 for 0x80–0x9F, U+FFFD for 0 and out of range, nothing for
    // noncharacters and most C0 controls; only whole "&#…;" references count.
    [InlineData("&#x2019;s", "'s")]
    [InlineData("&#8217;s", "'s")]
    [InlineData("&#150;", "\u2013")]
    [InlineData("&#x9D;", "\u009d")]
    [InlineData("a&#0;b", "a\ufffdb")]
    [InlineData("a&#99999999999999999999;b", "a\ufffdb")]
    [InlineData("a&#xD800;b", "a\ufffdb")]
    [InlineData("a&#1;b", "ab")]
    [InlineData("a&#xFFFE;b", "ab")]
    [InlineData("&#59;", "&#59;")]
    [InlineData("&#12ab;", "&#12ab;")]
    [InlineData("&#x;", "&#x;")]
    [InlineData("&#x1F600;", "\U0001F600")]
    public void Numeric_references_decode_as_python_html_unescape(string input, string expected) => Assert.Equal(expected, TextFixer.FixText(input));

    [Fact]
    public void Entities_stay_once_a_line_holds_markup()
    {
        Assert.Equal("<b>&amp;</b>\n&amp;", TextFixer.FixText("<b>&amp;</b>\n&amp;"));
        Assert.Equal("&\n<b>&amp;</b>", TextFixer.FixText("&amp;\n<b>&amp;</b>"));
    }

    [Fact]
    public void Invisible_controls_go_and_visible_ones_stay()
    {
        Assert.Equal("bell removed", TextFixer.FixText("bell\u0007 removed"));
        Assert.Equal("tab\tand\u000cfeed", TextFixer.FixText("tab\tand\u000cfeed"));
        Assert.Equal("tag \U000E0041 and music \U0001D173 stay", TextFixer.FixText("tag \U000E0041 and music \U0001D173 stay"));
    }

    private static JsonNode Case(string label) => Cases.Value.Single(c => (string)c!["label"]! == label)!;
}
