using System.Text.RegularExpressions;
using Relay.UnitTests.Deployment;

namespace Relay.UnitTests.Gateway;

/// <summary>
/// Rules the operator console's scripts keep so its Content-Security-Policy and key handling hold: the DOM is built
/// from text (stored webhook content never becomes markup), nothing is evaluated, the key never leaves session
/// storage, and every module the shell loads exists.
/// </summary>
public sealed class ConsoleScriptRulesTests
{
    private static readonly string ConsoleFolder = RepoPaths.InRepo("Gateway", "OperatorConsole");

    public static TheoryData<string> Scripts()
    {
        var scripts = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(ConsoleFolder, "*.js", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            scripts.Add(Path.GetRelativePath(ConsoleFolder, file));
        }
        return scripts;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void A_script_builds_the_page_from_text_and_keeps_the_key_in_session_storage(string script)
    {
        var source = File.ReadAllText(Path.Combine(ConsoleFolder, script));
        string[] forbidden = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "localStorage", "setAttribute('style'", "document.cookie"];
        Assert.DoesNotContain(forbidden, source.Contains);
    }

    [Fact]
    public void Every_page_the_router_names_and_every_module_imported_exists()
    {
        var pages = Regex.Matches(File.ReadAllText(Path.Combine(ConsoleFolder, "js", "app.js")), @"page: '([a-z-]+)'").Select(match => match.Groups[1].Value).ToList();
        Assert.Contains("events", pages);
        Assert.Contains("dashboard", pages);
        Assert.All(pages, page => Assert.True(File.Exists(Path.Combine(ConsoleFolder, "js", "pages", page + ".js")), $"no module for page {page}"));

        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(ConsoleFolder, "*.js", SearchOption.AllDirectories))
        {
            foreach (Match import in Regex.Matches(File.ReadAllText(file), @"from '(\.{1,2}/[^']+)'"))
            {
                if (!File.Exists(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, import.Groups[1].Value))))
                {
                    missing.Add($"{Path.GetRelativePath(ConsoleFolder, file)} imports {import.Groups[1].Value}");
                }
            }
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void The_shell_loads_only_its_own_files_and_has_no_inline_script_or_style()
    {
        var html = File.ReadAllText(Path.Combine(ConsoleFolder, "index.html"));
        // The files it loads (stylesheet, icon, script); its other links are the console's own pages.
        var references = Regex.Matches(html, @"(?:src|href)=""(/console/[^""]+\.[a-z]+)""").Select(match => match.Groups[1].Value).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.True(File.Exists(Path.Combine(ConsoleFolder, reference["/console/".Length..])), $"{reference} is missing"));
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)", html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotContain("<style", html);
    }
}
