using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.Data;

/// <summary>
/// Demo data for trying the portal locally: one login per role, three routes, sixty customers with logins,
/// products with prices, subscriptions and orders, and the months behind today (<see cref="DemoHistory"/>).
/// Only ever run in Development; running it again adds nothing.
/// </summary>
public static class DemoData
{
    public const string Password = "demo-pass-2026";

    public sealed record DemoLogin(string Role, string SignInWith, string Name);

    public static readonly IReadOnlyList<DemoLogin> Logins =
    [
        new(Roles.Admin, "admin@portal.test", "Asha Admin"),
        new(Roles.Manager, "manager@portal.test", "Mohan Manager"),
        new(Roles.Staff, "staff@portal.test", "Sunita Staff"),
        new(Roles.DeliveryAgent, "agent@portal.test", "Ravi Kumar"),
        new(Roles.Customer, "9876500001", "Priya Sharma"),
    ];

    private static readonly string[] RouteNames = ["Koramangala Morning", "Indiranagar Morning", "HSR Layout Morning"];

    private static readonly string[] FirstNames =
        ["Aarav", "Vivaan", "Aditya", "Vihaan", "Arjun", "Sai", "Reyansh", "Krishna", "Ishaan", "Rohan",
         "Ananya", "Diya", "Aadhya", "Saanvi", "Kavya", "Meera", "Lakshmi", "Pooja", "Nisha", "Deepa"];

    private static readonly string[] LastNames = ["Sharma", "Iyer", "Reddy", "Nair", "Rao", "Gupta", "Menon", "Patel", "Das", "Kulkarni"];

    private static readonly string[] Streets = ["1st Cross", "2nd Main", "5th Block", "Church Street", "80 Feet Road", "Sector 2"];

    public static async Task SeedAsync(IServiceProvider services, TimeProvider time, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var now = time.GetUtcNow();
        var hash = users.PasswordHasher.HashPassword(new PortalUser(), Password);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var staffLogins = Logins.Where(l => l.Role != Roles.Customer).ToList();
        foreach (var login in staffLogins)
        {
            await EnsureUserAsync(users, login.SignInWith, login.SignInWith, login.Name, login.Role, hash, now);
        }
        var secondAgent = await EnsureUserAsync(users, "agent2@portal.test", "agent2@portal.test", "Suresh Babu", Roles.DeliveryAgent, hash, now);
        var firstAgent = await users.FindByNameAsync("agent@portal.test") ?? throw new InvalidOperationException("Demo agent missing.");

        var routes = new List<DeliveryRoute>();
        foreach (var name in RouteNames)
        {
            var route = await db.Routes.SingleOrDefaultAsync(r => r.Name == name, cancellationToken);
            if (route is null)
            {
                route = new DeliveryRoute { Name = name };
                db.Routes.Add(route);
            }
            routes.Add(route);
        }
        await db.SaveChangesAsync(cancellationToken);

        await EnsureAgentAsync(db, routes[0], firstAgent, cancellationToken);
        await EnsureAgentAsync(db, routes[1], firstAgent, cancellationToken);
        await EnsureAgentAsync(db, routes[2], secondAgent, cancellationToken);

        await EnsureProductsAsync(db, now, cancellationToken);

        var existingMobiles = await db.Customers.Select(c => c.Mobile).ToHashSetAsync(cancellationToken);
        for (var i = 0; i < 60; i++)
        {
            var mobile = (9876500001L + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (existingMobiles.Contains(mobile))
            {
                continue;
            }
            var name = i == 0 ? "Priya Sharma" : $"{FirstNames[i % FirstNames.Length]} {LastNames[(i * 7) % LastNames.Length]}";
            // The demo customer and every third household have set a password; the rest are waiting for activation.
            var user = await EnsureUserAsync(users, mobile, email: i % 4 == 0 ? $"customer{i + 1}@portal.test" : null, name, Roles.Customer,
                i % 3 == 0 ? hash : null, now);
            var route = routes[i % routes.Count];
            db.Customers.Add(new Customer
            {
                Name = name,
                Mobile = mobile,
                Email = user.Email,
                Address = new Address
                {
                    Line = $"#{10 + i}, {Streets[i % Streets.Length]}",
                    Area = route.Name.Replace(" Morning", "", StringComparison.Ordinal),
                    City = "Bengaluru",
                    PinCode = (560034 + (i % routes.Count)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                RouteId = route.Id,
                StopOrder = i / routes.Count + 1,
                UserId = user.Id,
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        await EnsureSubscriptionsAsync(db, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        await DemoHistory.SeedAsync(services, time, cancellationToken);
    }

    /// <summary>Milk for every household that has none yet, so sheets, previews and orders have something to show.</summary>
    private static async Task EnsureSubscriptionsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var india = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, india).DateTime);
        var products = await db.Products.ToDictionaryAsync(p => p.Name, cancellationToken);
        var customers = await db.Customers
            .Where(c => c.Mobile.StartsWith("98765") && !db.Subscriptions.Any(s => s.CustomerId == c.Id))
            .ToListAsync(cancellationToken);
        var staff = await db.Users.SingleAsync(u => u.UserName == "staff@portal.test", cancellationToken);
        foreach (var customer in customers)
        {
            // The position from the mobile number, so a second run picks the same households and adds nothing.
            var i = int.Parse(customer.Mobile[5..], System.Globalization.CultureInfo.InvariantCulture) - 1;
            if (i % 6 == 5)
            {
                // A few households stay without milk: new customers look like this too.
                continue;
            }
            // From the first of the month before last: the demo's history (deliveries, a billed month) starts there.
            var start = DemoHistory.MonthBeforeLast(today);
            db.Subscriptions.Add(new Subscription
            {
                CustomerId = customer.Id,
                ProductId = products[i % 4 == 1 ? "Full cream milk" : "Toned milk"].Id,
                StartDate = start,
                CreatedAt = now,
                Schedules =
                [
                    (i % 3) switch
                    {
                        0 => new SubscriptionSchedule { Kind = ScheduleKind.Daily, Quantity = 1m, EffectiveFrom = start },
                        1 => new SubscriptionSchedule { Kind = ScheduleKind.EveryNDays, IntervalDays = 2, Quantity = 1m, EffectiveFrom = start },
                        _ => new SubscriptionSchedule
                        {
                            Kind = ScheduleKind.Weekly, EffectiveFrom = start,
                            Monday = 1m, Tuesday = 1m, Wednesday = 1m, Thursday = 1m, Friday = 1m, Saturday = 2m, Sunday = 2m,
                        },
                    },
                ],
            });
            if (i % 5 == 0)
            {
                db.Subscriptions.Add(new Subscription
                {
                    CustomerId = customer.Id,
                    ProductId = products["Curd 500 g"].Id,
                    StartDate = start,
                    CreatedAt = now,
                    Schedules = [new SubscriptionSchedule { Kind = ScheduleKind.EveryNDays, IntervalDays = 3, Quantity = 1m, EffectiveFrom = start }],
                });
            }
            if (i % 12 == 3)
            {
                var paneer = products["Paneer 200 g"];
                var price = await db.ProductPrices.Where(p => p.ProductId == paneer.Id && p.EffectiveFrom <= today)
                    .OrderByDescending(p => p.EffectiveFrom).Select(p => p.UnitPrice).FirstAsync(cancellationToken);
                db.Orders.Add(new Order
                {
                    CustomerId = customer.Id,
                    DeliveryDate = today.AddDays(1),
                    CreatedAt = now,
                    CreatedByUserId = staff.Id,
                    Lines = [new OrderLine { ProductId = paneer.Id, Quantity = 2m, UnitPrice = price }],
                });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<PortalUser> EnsureUserAsync(
        UserManager<PortalUser> users, string userName, string? email, string name, string role, string? passwordHash, DateTimeOffset now)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is not null)
        {
            return user;
        }
        user = new PortalUser
        {
            UserName = userName,
            Email = email,
            EmailConfirmed = email is not null,
            PhoneNumber = MobileNumber.Normalise(userName),
            DisplayName = name,
            PasswordHash = passwordHash,
            CreatedAt = now,
            LockoutEnabled = true,
        };
        Check(await users.CreateAsync(user), userName);
        Check(await users.AddToRoleAsync(user, role), userName);
        return user;
    }

    private static async Task EnsureAgentAsync(PortalDbContext db, DeliveryRoute route, PortalUser agent, CancellationToken cancellationToken)
    {
        if (!await db.RouteAgents.AnyAsync(a => a.RouteId == route.Id && a.UserId == agent.Id, cancellationToken))
        {
            db.RouteAgents.Add(new RouteAgent { RouteId = route.Id, UserId = agent.Id });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static async Task EnsureProductsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string Name, ProductUnit Unit, decimal Price)[] catalogue =
        [
            ("Toned milk", ProductUnit.Litre, 56m),
            ("Full cream milk", ProductUnit.Litre, 68m),
            ("Buffalo milk", ProductUnit.Litre, 80m),
            ("Curd 500 g", ProductUnit.Pack, 35m),
            ("Paneer 200 g", ProductUnit.Pack, 95m),
            ("Ghee", ProductUnit.Kg, 640m),
            ("Butter 100 g", ProductUnit.Piece, 58m),
        ];
        var india = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var since = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, india).DateTime).AddMonths(-3);
        var firstOfMonth = new DateOnly(since.Year, since.Month, 1);
        foreach (var (name, unit, price) in catalogue)
        {
            if (await db.Products.AnyAsync(p => p.Name == name, cancellationToken))
            {
                continue;
            }
            var product = new Product { Name = name, Unit = unit };
            product.Prices.Add(new ProductPrice { EffectiveFrom = firstOfMonth, UnitPrice = price - 2, CreatedAt = now });
            product.Prices.Add(new ProductPrice { EffectiveFrom = firstOfMonth.AddMonths(2), UnitPrice = price, CreatedAt = now });
            db.Products.Add(product);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void Check(IdentityResult result, string userName)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create demo user {userName}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    public static string Describe() =>
        string.Join(Environment.NewLine, Logins.Select(l => $"  {l.Role,-14} {l.SignInWith,-22} {Password}"));
}
