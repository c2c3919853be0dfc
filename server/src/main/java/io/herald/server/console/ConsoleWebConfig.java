package io.herald.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.BindingResult;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

/** Web settings of the console. */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfig implements WebMvcConfigurer {

    /**
     * A form a page shows without having bound it (a new or an edit form) gets a binding result with the
     * duration editors, so {@code th:field} shows {@code 7d} rather than {@code 604800000}; a bound form
     * has one already, from the binder that {@link ConsoleAdvice} set up.
     */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler, ModelAndView mav) {
                Object form = mav == null ? null : mav.getModel().get("form");
                if (form == null || form instanceof String) {
                    return;
                }
                String key = BindingResult.MODEL_KEY_PREFIX + "form";
                if (!mav.getModel().containsKey(key)) {
                    BeanPropertyBindingResult result = new BeanPropertyBindingResult(form, "form");
                    ConsoleAdvice.registerDurations(result.getPropertyEditorRegistry());
                    mav.getModel().put(key, result);
                }
            }
        });
    }

    /**
     * Turns off link rewriting for static resources. Spring Boot switches it on because the webjars
     * locator is present, and then every {@code th:href} walks the resource resolver chain (about
     * 0.1 ms per link, four fifths of the topic list's server time). The console uses no
     * content-hashed URLs, and version-less webjar paths are resolved when requested, so nothing is lost.
     */
    @Bean
    FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
        FilterRegistrationBean<ResourceUrlEncodingFilter> registration = new FilterRegistrationBean<>(new ResourceUrlEncodingFilter());
        registration.setEnabled(false);
        return registration;
    }
}
