package io.herald.server.security;

import io.herald.server.common.DatabaseUnavailableException;
import io.herald.server.database.DatabaseProbe;
import io.herald.server.metrics.MetricsProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.CrossOriginOpenerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Two doors: the API ({@code /api/**}) takes bearer tokens, stateless, without CSRF (no cookies);
 * the console takes a form login with a session and CSRF on every state-changing request.
 */
@Configuration
class SecurityConfig implements WebMvcConfigurer {

    /** The console's Content-Security-Policy: scripts and styles from Herald only, forms post to Herald only. */
    static final String CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";
    /** Browser features the console never uses, refused to it and to anything injected into it. */
    static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(),"
            + " midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * The OpenAPI document: a bearer token (admin token or app key) or a signed-in console user's
     * session, which Swagger UI's requests carry. Swagger UI itself is a console page.
     */
    @Bean
    @Order(0)
    SecurityFilterChain apiDocs(HttpSecurity http, ApiCallers callers, ConsoleUsers users) throws Exception {
        http.securityMatcher("/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml")
                .csrf(csrf -> csrf.disable())
                // NEVER: reads a console session, never creates one
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .requestCache(c -> c.disable())
                .logout(l -> l.disable())
                .addFilterBefore(new BearerTokenFilter(callers), AnonymousAuthenticationFilter.class)
                .addFilterBefore(new ConsoleSessionCheck(users, false), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> {
                    res.setHeader("WWW-Authenticate", "Bearer");
                    ProblemResponses.write(req, res, 401, "Unauthorized",
                            "The API document needs 'Authorization: Bearer <token>' or a signed-in console user");
                }));
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiCallers callers) throws Exception {
        http.securityMatcher("/api/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // a stateless API saves no request to replay after a login and has no logout: two filters less per request
                .requestCache(c -> c.disable())
                .logout(l -> l.disable())
                .addFilterBefore(new BearerTokenFilter(callers), AnonymousAuthenticationFilter.class)
                // The async dispatch of a held long-poll was authorized when the request came in.
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ASYNC, jakarta.servlet.DispatcherType.ERROR).permitAll()
                        .anyRequest().hasAnyRole("API_ADMIN", "API_APP"))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> ProblemResponses.write(req, res, 401, "Unauthorized",
                                ApiCallers.UNAUTHORIZED_DETAIL))
                        .accessDeniedHandler((req, res, ex) -> ProblemResponses.write(req, res, 403, "Forbidden",
                                "The caller may not do this")));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain actuator(HttpSecurity http, ApiCallers callers, MetricsProperties metrics, ConsoleUsers users) throws Exception {
        http.securityMatcher("/actuator/**")
                .csrf(csrf -> csrf.disable())
                // NEVER, not STATELESS: a signed-in console user's session is read (health then shows its
                // details), but the actuator never creates one
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .requestCache(c -> c.disable())
                .logout(l -> l.disable())
                .addFilterBefore(new ActuatorTokenFilter(callers, metrics.token()), AnonymousAuthenticationFilter.class)
                .addFilterBefore(new ConsoleSessionCheck(users, true), AnonymousAuthenticationFilter.class)
                // health answers everyone, with details only for a signed-in user or a token
                // (management.endpoint.health.show-details: when-authorized)
                .authorizeHttpRequests(a -> {
                    a.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll();
                    if (metrics.token() == null) {
                        a.requestMatchers("/actuator/prometheus").permitAll();
                    } else {
                        a.requestMatchers("/actuator/prometheus").hasAnyRole("METRICS", "API_ADMIN");
                    }
                    a.anyRequest().denyAll();
                })
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> {
                            res.setHeader("WWW-Authenticate", "Bearer");
                            ProblemResponses.write(req, res, 401, "Unauthorized",
                                    "This endpoint needs 'Authorization: Bearer <token>' (herald.metrics.token or the admin token)");
                        })
                        .accessDeniedHandler((req, res, ex) -> ProblemResponses.write(req, res, 403, "Forbidden",
                                "The caller may not read this endpoint")));
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain console(HttpSecurity http, ConsoleUsers users, DatabaseProbe database, LoginThrottle throttle)
            throws Exception {
        LoginUrlAuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint("/login");
        // "Location: /login", not an absolute URL built from the request's Host header, which the client chooses
        login.setFavorRelativeUris(true);
        RelativeSavedRequestRedirect toPage = new RelativeSavedRequestRedirect();
        // while PostgreSQL is known to be down a sign-in cannot be checked: say so at once (the failure handler
        // below says it too when the outage is found by the sign-in itself)
        http.addFilterBefore((req, res, chain) -> {
            HttpServletRequest request = (HttpServletRequest) req;
            if (!database.up() && "POST".equals(request.getMethod())
                    && request.getRequestURI().equals(request.getContextPath() + "/login")) {
                ((HttpServletResponse) res).sendRedirect(request.getContextPath() + "/login?unavailable");
            } else {
                chain.doFilter(req, res);
            }
        }, org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter.class);
        // after the CSRF check and the one above, before the password is checked
        http.addFilterBefore(new LoginThrottleFilter(throttle), UsernamePasswordAuthenticationFilter.class);
        // a disabled or demoted user loses the session's rights on the next request, before it is authorized
        http.addFilterBefore(new ConsoleSessionCheck(users, false), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login", "/css/**", "/js/**", "/webjars/**", "/favicon.ico", "/error").permitAll()
                        .requestMatchers("/users/**").hasRole("ADMIN")
                        .requestMatchers(org.springframework.http.HttpMethod.GET, "/**").authenticated()
                        // a payload search reads, but shows payloads: any role with the message-view permission
                        .requestMatchers(org.springframework.http.HttpMethod.POST, "/topics/*/messages/search",
                                "/topics/*/messages/search/stop").hasAuthority(ConsoleUsers.MESSAGE_VIEW)
                        .anyRequest().hasAnyRole("ADMIN", "EDITOR"))
                .formLogin(f -> f.loginPage("/login").permitAll()
                        .successHandler((req, res, auth) -> {
                            throttle.succeeded(auth.getName(), req.getRemoteAddr());
                            toPage.onAuthenticationSuccess(req, res, auth);
                        })
                        // a sign-in that could not be checked is not a wrong password: the page says the database is
                        // down, and it is not counted as a failure
                        .failureHandler((req, res, ex) -> {
                            if (DatabaseUnavailableException.in(ex).isPresent()) {
                                res.sendRedirect(req.getContextPath() + "/login?unavailable");
                            } else {
                                throttle.failed(req.getParameter("username"), req.getRemoteAddr());
                                res.sendRedirect(req.getContextPath() + "/login?error");
                            }
                        }))
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                .headers(h -> h
                        // form-action and base-uri: an injected <form> or <base> cannot send a form (and its CSRF token) elsewhere
                        .contentSecurityPolicy(c -> c.policyDirectives(CONSOLE_CSP))
                        // console URLs carry topic names, message keys and ids in their query strings: none goes to another site
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .crossOriginOpenerPolicy(c -> c.policy(
                                CrossOriginOpenerPolicyHeaderWriter.CrossOriginOpenerPolicy.SAME_ORIGIN))
                        .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy", PERMISSIONS_POLICY)))
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> {
                    // An htmx request after the session expired: reload the page instead of swapping a login form into a fragment.
                    if (req.getHeader("HX-Request") != null) {
                        res.setHeader("HX-Refresh", "true");
                        res.setStatus(401);
                    } else {
                        login.commence(req, res, ex);
                    }
                })
                .accessDeniedHandler((req, res, ex) -> {
                    // A POST from a page whose session expired fails the CSRF check before anyone is signed in:
                    // for htmx, reload the page (which leads to the login) instead of showing a bare 403.
                    var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
                    boolean signedIn = auth != null && auth.isAuthenticated()
                            && !(auth instanceof org.springframework.security.authentication.AnonymousAuthenticationToken);
                    if (req.getHeader("HX-Request") != null && !signedIn
                            && ex instanceof org.springframework.security.web.csrf.CsrfException) {
                        res.setHeader("HX-Refresh", "true");
                        res.setStatus(403);
                    } else if (req.getHeader("HX-Request") != null) {
                        // a toast, as the console's own refusals show: Spring Boot's error page would answer
                        // htmx's "Accept: */*" with JSON, swapped raw into the form
                        res.setStatus(403);
                        res.setHeader("HX-Retarget", "#toast");
                        res.setHeader("HX-Reswap", "innerHTML");
                        res.setContentType("text/html;charset=UTF-8");
                        res.getWriter().write("<div class=\"alert error\" role=\"alert\"><strong>Not allowed</strong>"
                                + "<div>Your role does not allow this action. Reload the page to see what you may do.</div></div>");
                    } else {
                        new org.springframework.security.web.access.AccessDeniedHandlerImpl().handle(req, res, ex);
                    }
                }))
                .httpBasic(b -> b.disable());
        return http.build();
    }

    /**
     * A request the firewall refuses (an encoded NUL, slash or dot segment in the path, a control
     * character in a header or parameter) is answered 400 problem+json, not a bare 500 and a stack
     * trace in the log.
     */
    @Bean
    org.springframework.security.web.firewall.RequestRejectedHandler requestRejectedHandler() {
        return (req, res, ex) -> {
            org.slf4j.LoggerFactory.getLogger(SecurityConfig.class).debug("refused {} {}: {}", req.getMethod(),
                    req.getRequestURI(), ex.getMessage());
            ProblemResponses.write(req, res, 400, "Bad request",
                    "The request was refused: its path, a parameter or a header holds characters Herald does not accept"
                            + " (such as an encoded NUL, slash, backslash or dot segment)");
        };
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerResolver());
    }
}
