using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Billing;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.Subscriptions;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Builders for the rows tests stand on. Each call saves what it builds and returns it tracked by <c>db</c>.
/// Mobiles, names and user names are unique across the whole test run, so tests sharing a class database never collide.
/// </summary>
public static class TestData
{
    /// <summary>The instant every builder stamps on created rows: <see cref="TestServices.DefaultNow"/>.</summary>
    public static readonly DateTimeOffset Now = TestServices.DefaultNow;

    /// <summary>Prices from the builders apply from this date, so any delivery date in a test has a price.</summary>
    public static readonly DateOnly PricesFrom = new(2020, 1, 1);

    private static readonly PasswordHasher<PortalUser> Hasher = new();
    private static int counter;

    /// <summary>A number no other call in this test run has had.</summary>
    public static int Next() => Interlocked.Increment(ref counter);

    /// <summary>A valid Indian mobile (ten digits starting 9) unique in this test run.</summary>
    public static string UniqueMobile() => "9" + Next().ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>A login without a customer (staff, agent…). Signs in with <c>user{n}@portal.test</c> unless <paramref name="userName"/> is given.</summary>
    public static async Task<PortalUser> AddUserAsync(
        PortalDbContext db, string? role = null, string? userName = null, string? email = null, string? password = null)
    {
        var user = NewUser(db, role is null ? null : await RoleIdAsync(db, role), userName, email, password);
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>A customer and its login (user name = mobile, role Customer), saved together.</summary>
    public static async Task<Customer> AddCustomerAsync(
        PortalDbContext db, DeliveryRoute? route = null, string? name = null, string? email = null, string? password = null)
    {
        var n = Next();
        var mobile = UniqueMobile();
        var user = NewUser(db, await RoleIdAsync(db, Roles.Customer), mobile, email, password);
        var customer = new Customer
        {
            Name = name ?? $"Customer {n}",
            Mobile = mobile,
            Email = user.Email,
            Address = new Address { Line = $"#{n}, 1st Cross", Area = "Koramangala", City = "Bengaluru", PinCode = "560034" },
            RouteId = route?.Id,
            StopOrder = route is null ? null : n,
            UserId = user.Id,
            CreatedAt = Now,
        };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    /// <summary>An active route with the given agents assigned.</summary>
    public static async Task<DeliveryRoute> AddRouteAsync(PortalDbContext db, params PortalUser[] agents)
    {
        var route = new DeliveryRoute { Name = $"Route {Next()}" };
        route.Agents.AddRange(agents.Select(a => new RouteAgent { Route = route, UserId = a.Id }));
        db.Routes.Add(route);
        await db.SaveChangesAsync();
        return route;
    }

    /// <summary>An active product with one price, effective from <see cref="PricesFrom"/> unless told otherwise.</summary>
    public static async Task<Product> AddProductAsync(
        PortalDbContext db, decimal unitPrice = 56m, ProductUnit unit = ProductUnit.Litre, DateOnly? priceFrom = null)
    {
        var product = new Product { Name = $"Product {Next()}", Unit = unit };
        product.Prices.Add(new ProductPrice { EffectiveFrom = priceFrom ?? PricesFrom, UnitPrice = unitPrice, CreatedAt = Now });
        db.Products.Add(product);
        await db.SaveChangesAsync();
        return product;
    }

    public static SubscriptionSchedule Daily(decimal quantity) =>
        new() { Kind = ScheduleKind.Daily, Quantity = quantity };

    public static SubscriptionSchedule EveryNDays(int interval, decimal quantity) =>
        new() { Kind = ScheduleKind.EveryNDays, IntervalDays = interval, Quantity = quantity };

    public static SubscriptionSchedule Weekly(decimal weekdays, decimal weekend) => new()
    {
        Kind = ScheduleKind.Weekly,
        Monday = weekdays,
        Tuesday = weekdays,
        Wednesday = weekdays,
        Thursday = weekdays,
        Friday = weekdays,
        Saturday = weekend,
        Sunday = weekend,
    };

    /// <summary>An active subscription from <paramref name="start"/> with one schedule (1 a day unless told otherwise), effective from the start.</summary>
    public static async Task<Subscription> AddSubscriptionAsync(
        PortalDbContext db, Customer customer, Product product, DateOnly start, SubscriptionSchedule? schedule = null)
    {
        schedule ??= Daily(1m);
        if (schedule.EffectiveFrom == default)
        {
            schedule.EffectiveFrom = start;
        }
        var subscription = new Subscription
        {
            CustomerId = customer.Id,
            ProductId = product.Id,
            StartDate = start,
            CreatedAt = Now,
            Schedules = [schedule],
        };
        db.Subscriptions.Add(subscription);
        await db.SaveChangesAsync();
        return subscription;
    }

    /// <summary>A pending one-time order placed by the customer, with a line per (product, quantity) at the product's price on <paramref name="date"/>.</summary>
    public static Task<Order> AddOrderAsync(PortalDbContext db, Customer customer, DateOnly date, params (Product Product, decimal Quantity)[] lines) =>
        CreateOrderAsync(db, customer, date, customer.UserId, lines);

    /// <summary>The same, placed for the customer by <paramref name="createdBy"/> (staff).</summary>
    public static Task<Order> AddOrderAsync(
        PortalDbContext db, Customer customer, DateOnly date, PortalUser createdBy, params (Product Product, decimal Quantity)[] lines) =>
        CreateOrderAsync(db, customer, date, createdBy.Id, lines);

    private static async Task<Order> CreateOrderAsync(
        PortalDbContext db, Customer customer, DateOnly date, string createdByUserId, (Product Product, decimal Quantity)[] lines)
    {
        var order = new Order { CustomerId = customer.Id, DeliveryDate = date, CreatedAt = Now, CreatedByUserId = createdByUserId };
        foreach (var (product, quantity) in lines)
        {
            order.Lines.Add(new OrderLine { ProductId = product.Id, Quantity = quantity, UnitPrice = await PriceOnAsync(db, product.Id, date) });
        }
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }

    /// <summary>What happened for a subscription on a date; the outcome follows from the quantities (nothing delivered = customer away).</summary>
    public static async Task<Delivery> AddDeliveryAsync(
        PortalDbContext db, Subscription subscription, DateOnly date, PortalUser recordedBy, decimal planned = 1m, decimal? delivered = null)
    {
        var delivery = NewDelivery(planned, delivered ?? planned, recordedBy);
        delivery.SubscriptionId = subscription.Id;
        delivery.DeliveryDate = date;
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return delivery;
    }

    /// <summary>What happened for an order line on its order's date; all of it delivered unless told otherwise.</summary>
    public static async Task<Delivery> AddDeliveryAsync(PortalDbContext db, OrderLine line, PortalUser recordedBy, decimal? delivered = null)
    {
        var delivery = NewDelivery(line.Quantity, delivered ?? line.Quantity, recordedBy);
        delivery.OrderLineId = line.Id;
        delivery.DeliveryDate = await db.Orders.Where(o => o.Id == line.OrderId).Select(o => o.DeliveryDate).SingleAsync();
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return delivery;
    }

    public static DeliveryOutcome OutcomeFor(decimal planned, decimal delivered) =>
        delivered == planned ? DeliveryOutcome.Delivered : delivered == 0 ? DeliveryOutcome.NotDelivered : DeliveryOutcome.Partial;

    /// <summary>A completed billing run for the month starting <paramref name="periodMonth"/>, with no invoices yet.</summary>
    public static async Task<BillingRun> AddBillingRunAsync(PortalDbContext db, PortalUser startedBy, DateOnly periodMonth)
    {
        var run = new BillingRun
        {
            PeriodMonth = new DateOnly(periodMonth.Year, periodMonth.Month, 1),
            StartedByUserId = startedBy.Id,
            StartedAt = Now,
            CompletedAt = Now,
        };
        db.BillingRuns.Add(run);
        await db.SaveChangesAsync();
        return run;
    }

    /// <summary>
    /// An invoice for <paramref name="customer"/> in a new billing run for the month of the first delivery, with one billing record per
    /// delivery at the price billing uses (the product's price on the day, or the order line's price). Its number is the next one of the
    /// financial year in <c>invoice_sequences</c>, so invoices made here stay gapless alongside the billing service's own.
    /// </summary>
    public static async Task<Invoice> AddInvoiceAsync(PortalDbContext db, Customer customer, PortalUser startedBy, params Delivery[] deliveries)
    {
        if (deliveries.Length == 0 || deliveries.Any(d => d.DeliveredQuantity <= 0))
        {
            throw new ArgumentException("An invoice bills at least one delivery, and only deliveries with something delivered.", nameof(deliveries));
        }
        // One transaction, as in billing: a refused invoice leaves no run behind and no gap in the numbers.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync() : null;
        var run = await AddBillingRunAsync(db, startedBy, deliveries[0].DeliveryDate);
        var financialYear = FinancialYearOf(run.PeriodMonth);
        var sequence = (await db.Database.SqlQuery<int>(
            $"""
            INSERT INTO invoice_sequences (financial_year, last_number) VALUES ({financialYear}, 1)
            ON CONFLICT (financial_year) DO UPDATE SET last_number = invoice_sequences.last_number + 1
            RETURNING last_number AS "Value"
            """).ToListAsync()).Single();

        var invoice = new Invoice
        {
            Number = InvoiceNumber(financialYear, sequence),
            FinancialYear = financialYear,
            Sequence = sequence,
            CustomerId = customer.Id,
            BillingRun = run,
            PeriodMonth = run.PeriodMonth,
            IssuedAt = Now,
        };
        foreach (var delivery in deliveries)
        {
            var unitPrice = delivery.OrderLineId is { } lineId
                ? await db.OrderLines.Where(l => l.Id == lineId).Select(l => l.UnitPrice).SingleAsync()
                : await PriceOnAsync(db, await db.Subscriptions.Where(s => s.Id == delivery.SubscriptionId).Select(s => s.ProductId).SingleAsync(), delivery.DeliveryDate);
            invoice.Records.Add(new BillingRecord
            {
                DeliveryId = delivery.Id,
                Quantity = delivery.DeliveredQuantity,
                UnitPrice = unitPrice,
                Amount = Math.Round(delivery.DeliveredQuantity * unitPrice, 2, MidpointRounding.AwayFromZero),
            });
        }
        invoice.TotalAmount = invoice.Records.Sum(r => r.Amount);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync();
        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }
        return invoice;
    }

    /// <summary>Indian financial year (April–March) of a date, e.g. 2026-27.</summary>
    public static string FinancialYearOf(DateOnly date)
    {
        var start = date.Month >= 4 ? date.Year : date.Year - 1;
        return string.Create(CultureInfo.InvariantCulture, $"{start}-{(start + 1) % 100:D2}");
    }

    public static string InvoiceNumber(string financialYear, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"INV/{financialYear}/{sequence:D6}");

    private static PortalUser NewUser(PortalDbContext db, string? roleId, string? userName, string? email, string? password)
    {
        var n = Next();
        userName ??= $"user{n}@portal.test";
        var user = new PortalUser
        {
            UserName = userName,
            NormalizedUserName = userName.ToUpperInvariant(),
            Email = email?.ToLowerInvariant(),
            NormalizedEmail = email?.ToUpperInvariant(),
            EmailConfirmed = email is not null,
            PhoneNumber = MobileNumber.Normalise(userName),
            DisplayName = $"Test User {n}",
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            LockoutEnabled = true,
            CreatedAt = Now,
        };
        if (password is not null)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }
        db.Users.Add(user);
        if (roleId is not null)
        {
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
        }
        return user;
    }

    private static Task<string> RoleIdAsync(PortalDbContext db, string role) =>
        db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();

    private static Task<decimal> PriceOnAsync(PortalDbContext db, int productId, DateOnly date) =>
        db.ProductPrices
            .Where(p => p.ProductId == productId && p.EffectiveFrom <= date)
            .OrderByDescending(p => p.EffectiveFrom)
            .Select(p => p.UnitPrice)
            .FirstAsync();

    private static Delivery NewDelivery(decimal planned, decimal delivered, PortalUser recordedBy)
    {
        var outcome = OutcomeFor(planned, delivered);
        return new Delivery
        {
            PlannedQuantity = planned,
            DeliveredQuantity = delivered,
            Outcome = outcome,
            Reason = outcome == DeliveryOutcome.NotDelivered ? NotDeliveredReason.CustomerAway : null,
            RecordedByUserId = recordedBy.Id,
            RecordedAt = Now,
        };
    }
}
