using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Subscriptions;

/// <summary>One subscription's due quantity on one day (only days with something due).</summary>
public sealed record DueDay(int SubscriptionId, DateOnly Day, decimal Quantity);

/// <summary>
/// <see cref="DueQuantity.On"/> for many subscriptions and days at once, as one SQL statement. Same rules, same
/// answers (a property test compares the two over random schedules); used wherever many are asked at once.
/// </summary>
public static class DueQuery
{
    /// <summary>
    /// Every (subscription, day) with something due between <paramref name="from"/> and <paramref name="to"/>,
    /// optionally only for <paramref name="subscriptionIds"/> or for the customers on <paramref name="routeId"/>.
    /// </summary>
    public static IQueryable<DueDay> Between(PortalDbContext db, DateOnly from, DateOnly to, int? routeId = null, int[]? subscriptionIds = null) =>
        db.Database.SqlQuery<DueDay>($"""
            SELECT s.id AS subscription_id, d.day AS day,
                   CASE
                       WHEN EXISTS (SELECT 1 FROM subscription_pauses p
                                    WHERE p.subscription_id = s.id AND d.day BETWEEN p.from_date AND p.to_date) THEN 0
                       WHEN o.quantity IS NOT NULL THEN o.quantity
                       WHEN sc.kind = 'Daily' THEN sc.quantity
                       WHEN sc.kind = 'EveryNDays' THEN
                           CASE WHEN (d.day - sc.effective_from) % sc.interval_days = 0 THEN sc.quantity ELSE 0 END
                       WHEN sc.kind = 'Weekly' THEN
                           CASE extract(isodow FROM d.day)::int
                               WHEN 1 THEN sc.monday WHEN 2 THEN sc.tuesday WHEN 3 THEN sc.wednesday WHEN 4 THEN sc.thursday
                               WHEN 5 THEN sc.friday WHEN 6 THEN sc.saturday ELSE sc.sunday
                           END
                       ELSE 0
                   END AS quantity
            FROM subscriptions s
            JOIN customers c ON c.id = s.customer_id
            CROSS JOIN LATERAL (
                SELECT g::date AS day
                FROM generate_series(greatest({from}::date, s.start_date), least({to}::date, coalesce(s.end_date, {to}::date)), interval '1 day') g
            ) d
            LEFT JOIN LATERAL (
                SELECT x.* FROM subscription_schedules x
                WHERE x.subscription_id = s.id AND x.effective_from <= d.day
                ORDER BY x.effective_from DESC LIMIT 1
            ) sc ON true
            LEFT JOIN subscription_overrides o ON o.subscription_id = s.id AND o.date = d.day
            WHERE ({routeId}::int IS NULL OR c.route_id = {routeId})
              AND ({subscriptionIds}::int[] IS NULL OR s.id = ANY({subscriptionIds}))
              AND s.start_date <= {to}::date
              AND (s.end_date IS NULL OR s.end_date >= {from}::date)
            """)
            .Where(d => d.Quantity > 0);
}
