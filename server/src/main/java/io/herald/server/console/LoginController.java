package io.herald.server.console;

import io.herald.server.security.LoginThrottle;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in page; Spring Security handles the POST. A sign-in held back after failures is answered
 * 429 by the security chain with this page, which then says how long to wait.
 */
@Controller
class LoginController {

    @GetMapping("/login")
    String login(HttpServletRequest request, Model model) {
        if (request.getAttribute(LoginThrottle.RETRY_AFTER_ATTRIBUTE) instanceof Long seconds) {
            model.addAttribute("retryAfter", seconds < 120 ? seconds + (seconds == 1 ? " second" : " seconds")
                    : ((seconds + 59) / 60) + " minutes");
        }
        return "login/login";
    }
}
