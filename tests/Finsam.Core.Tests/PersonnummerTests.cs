using Finsam.Core.Loading;

namespace Finsam.Core.Tests;

public class PersonnummerTests
{
    [Theory]
    [InlineData("kontakt: 19850312-1234")]       // with century and dash (check digit not required with a separator)
    [InlineData("# 850312-1234 ringer tillbaka")] // short form in a comment
    [InlineData("id: 198112189876")]             // 12 digits, valid Luhn
    [InlineData("x: 811218+9876")]               // over 100 years old uses '+'
    [InlineData("sam: 701063-2391")]             // samordningsnummer: day + 60
    public void Identity_numbers_are_found_and_masked(string text)
    {
        var findings = PersonnummerGuard.Scan(text);
        var f = Assert.Single(findings);
        Assert.Contains("*", f.Masked);
        Assert.DoesNotContain(text.Split(' ', ':').First(t => t.Any(char.IsDigit) && t.Length >= 10), f.Masked);
    }

    [Theory]
    [InlineData("total: 6_000_000")]
    [InlineData("total: 6000000000")]         // month 00: not a date
    [InlineData("cost: 1234567890")]          // month 56: not a date
    [InlineData("start: 2016-01")]
    [InlineData("total: 8503121235")]         // date-shaped, but the Luhn digit is wrong and there is no separator
    public void Ordinary_numbers_are_not_mistaken_for_identity_numbers(string text)
    {
        Assert.Empty(PersonnummerGuard.Scan(text));
    }

    [Fact]
    public void A_scenario_with_an_identity_number_is_refused_without_echoing_it()
    {
        var yaml = new TinyScenario().Yaml().Replace("forbund: { name: Tiny }", "forbund: { name: Tiny }  # handläggare 19850312-1234");
        var problems = Problems.Of(yaml);
        var p = Assert.Single(problems);
        Assert.Contains("personal identity number", p.Message);
        Assert.DoesNotContain("19850312-1234", p.ToString());
        Assert.DoesNotContain("0312-1234", p.ToString());
        Assert.Equal(2, p.Where.Line);
    }
}
