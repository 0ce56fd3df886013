package dev.pirate.spring.worker;

/**
 * A {@link dev.pirate.spring.MajordomoService @MajordomoService} bean is declared in a way Pirate
 * cannot serve: the message names the bean, the problem and what to do about it.
 */
public class MajordomoServiceDeclarationException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String beanName;

    private final String problem;

    private final String action;

    /**
     * Creates an exception.
     * @param beanName the name of the service bean
     * @param problem what is wrong, completing "@MajordomoService bean 'name' ..."
     * @param action what to do about it
     */
    public MajordomoServiceDeclarationException(String beanName, String problem, String action) {
        super("@MajordomoService bean '" + beanName + "' " + problem + "; " + action);
        this.beanName = beanName;
        this.problem = problem;
        this.action = action;
    }

    /**
     * Returns the name of the service bean.
     * @return the bean name
     */
    public String getBeanName() {
        return this.beanName;
    }

    /**
     * Returns what is wrong with the bean.
     * @return the problem, completing "@MajordomoService bean 'name' ..."
     */
    public String getProblem() {
        return this.problem;
    }

    /**
     * Returns what to do about it.
     * @return the action
     */
    public String getAction() {
        return this.action;
    }
}
