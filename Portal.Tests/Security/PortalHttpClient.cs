using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Portal.Tests.Security;

/// <summary>One answer from the portal, read in full: status, headers, the cookies it set and the body.</summary>
public sealed partial record PortalResponse(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, IReadOnlyList<string> SetCookies, string Body)
{
    /// <summary>The redirect target as a path and query ("/Account/Login?ReturnUrl=%2Foffice"), or null.</summary>
    public string? RedirectTo => Headers.Location is null ? null
        : Headers.Location.IsAbsoluteUri ? Headers.Location.PathAndQuery : Headers.Location.OriginalString;

    /// <summary>The document's &lt;title&gt;, decoded.</summary>
    public string? Title => TitlePattern().Match(Body) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value).Trim() : null;

    /// <summary>The value of a header on the response or its content, or null.</summary>
    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) || ContentHeaders.TryGetValues(name, out values) ? string.Join(", ", values) : null;

    /// <summary>The Set-Cookie header for one cookie, or null.</summary>
    public string? SetCookie(string name) => SetCookies.FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    /// <summary>
    /// What a person reads on the page: the body without scripts, comments (Blazor's component markers carry per-request
    /// state), tags and runs of white space.
    /// </summary>
    public string VisibleText
    {
        get
        {
            var text = ScriptPattern().Replace(Body, " ");
            text = CommentPattern().Replace(text, " ");
            text = TagPattern().Replace(text, " ");
            return SpacePattern().Replace(WebUtility.HtmlDecode(text), " ").Trim();
        }
    }

    [GeneratedRegex(@"<title>(.*?)</title>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"<script\b.*?</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptPattern();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"<[^>]+>", RegexOptions.Singleline)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpacePattern();
}

/// <summary>
/// Talks to a running portal as a browser does, without one: follows no redirects, keeps its own cookies (HttpClient's
/// cookie container would not send the portal's Secure cookies over http), posts forms with their antiforgery token.
/// </summary>
public sealed partial class PortalHttpClient : IDisposable
{
    private readonly HttpClient http;
    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> headers;

    /// <param name="headers">Sent with every request, e.g. X-Forwarded-Proto as a TLS-ending proxy would add it.</param>
    public PortalHttpClient(Uri baseAddress, IReadOnlyDictionary<string, string>? headers = null)
    {
        http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        this.headers = headers ?? new Dictionary<string, string>();
    }

    /// <summary>The cookies this client holds now, by name.</summary>
    public IReadOnlyDictionary<string, string> Cookies => cookies;

    public Task<PortalResponse> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<PortalResponse> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) });

    /// <summary>Opens the sign-in page and posts its form as the browser does; returns the answer to the post.</summary>
    public async Task<PortalResponse> SubmitSignInAsync(string login, string password)
    {
        var form = await GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        return await PostFormAsync("/Account/Login", SignInFields(AntiforgeryToken(form.Body), login, password));
    }

    /// <summary>Signs in and checks it worked: the portal answers with a redirect and the sign-in cookie.</summary>
    public async Task SignInAsync(string login, string password)
    {
        var answer = await SubmitSignInAsync(login, password);
        Assert.True(answer.Status == HttpStatusCode.Found && cookies.ContainsKey(PortalCookies.SignIn),
            $"Signing in as {login} answered {(int)answer.Status} {answer.RedirectTo}, cookies: {string.Join(", ", cookies.Keys)}.");
    }

    /// <summary>The fields of the sign-in form (Login.razor, FormName "login").</summary>
    public static IEnumerable<KeyValuePair<string, string>> SignInFields(string? antiforgeryToken, string login, string password)
    {
        if (antiforgeryToken is not null)
        {
            yield return new("__RequestVerificationToken", antiforgeryToken);
        }
        yield return new("_handler", "login");
        yield return new("Input.Login", login);
        yield return new("Input.Password", password);
    }

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public static string AntiforgeryToken(string html) =>
        TokenPattern().Match(html) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("The page has no __RequestVerificationToken input.");

    private async Task<PortalResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            if (cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            using var response = await http.SendAsync(request);
            var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            foreach (var setCookie in setCookies)
            {
                Keep(setCookie);
            }
            var body = await response.Content.ReadAsStringAsync();
            return new PortalResponse(response.StatusCode, response.Headers, response.Content.Headers, setCookies, body);
        }
    }

    private void Keep(string setCookie)
    {
        var pair = setCookie.Split(';', 2)[0];
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        var name = pair[..equals].Trim();
        var value = pair[(equals + 1)..].Trim();
        if (value.Length == 0 || setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
        {
            cookies.Remove(name);
        }
        else
        {
            cookies[name] = value;
        }
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*?value=""([^""]*)""")]
    private static partial Regex TokenPattern();
}

/// <summary>The portal's cookie names.</summary>
public static class PortalCookies
{
    public const string SignIn = "portal.auth";
    public const string AntiforgeryPrefix = ".AspNetCore.Antiforgery.";
}
